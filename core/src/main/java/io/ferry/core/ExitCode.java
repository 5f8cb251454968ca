package io.ferry.core;

/**
 * Exit codes of every {@code ferry} command, defined once. Cutover scripts act on them, so they never
 * change meaning.
 */
public enum ExitCode {
    /** Success; the gate is READY; validation found no differences. */
    OK(0, "success / READY / no differences"),
    /** The gate is NOT_READY, or validation found differences. */
    NOT_READY(1, "NOT_READY, or differences found"),
    /** Bad command line or pipeline file: fix the input and run again. */
    USAGE(2, "usage or configuration error"),
    /** Ferry could not tell: a server was unreachable or a wait timed out. Retrying may help. */
    UNKNOWN(3, "could not tell (a server unreachable, a timeout)");

    private final int code;
    private final String meaning;

    ExitCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    public int code() {
        return code;
    }

    public String meaning() {
        return meaning;
    }

    /** The lines every command's {@code --help} ends with. */
    public static String helpText() {
        StringBuilder s = new StringBuilder("Exit codes:\n");
        for (ExitCode c : values()) {
            s.append("  ").append(c.code).append("  ").append(c.meaning).append('\n');
        }
        return s.toString();
    }
}
