package io.ferry.app.cli;

import io.ferry.core.ExitCode;
import io.ferry.core.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ferry} command: one subcommand per job, exit codes from {@link ExitCode}. */
@Command(name = "ferry", mixinStandardHelpOptions = true, versionProvider = Ferry.Version.class,
        description = "Moves a live database to another one with zero downtime: capture, transform, sinks, validation.",
        subcommands = {RunCommand.class, StatusCommand.class, CutoverCommand.class, ValidateCommand.class, ResnapshotCommand.class, ConfigCommand.class, DemoCommand.class, BenchCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "%s"})
public final class Ferry {

    public static void main(String[] args) {
        // before any thread reads it: Debezium's snapshot reads naive timestamps through the default zone
        io.ferry.capture.Capture.utcDefaultZone();
        int code;
        try {
            code = execute(args);
        } catch (Throwable e) {
            // an Error escapes picocli's handler; without exiting here the service's threads would keep the JVM alive
            System.err.println("ferry: " + e);
            e.printStackTrace();
            code = ExitCode.UNKNOWN.code();
        }
        System.exit(code);
    }

    /** Runs one command line and returns its exit code (tests call this instead of {@link #main}). */
    public static int execute(String... args) {
        CommandLine cli = commandLine();
        return cli.execute(args);
    }

    /** Runs one command line with its output and errors going to these writers. */
    public static int execute(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        CommandLine cli = commandLine();
        cli.setOut(out);
        cli.setErr(err);
        return cli.execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Ferry());
        cli.getCommandSpec().usageMessage().footer("", ExitCode.helpText());
        for (CommandLine sub : cli.getSubcommands().values()) {
            sub.getCommandSpec().usageMessage().footer("", ExitCode.helpText());
            for (CommandLine subsub : sub.getSubcommands().values()) {
                subsub.getCommandSpec().usageMessage().footer("", ExitCode.helpText());
            }
        }
        cli.setExitCodeExceptionMapper(Ferry::exitCode);
        cli.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof ConfigException c) {
                line.getErr().println(c.getMessage());
                line.getErr().println("(" + c.errors().size() + " error" + (c.errors().size() == 1 ? "" : "s") + "; nothing was started)");
            } else if (e instanceof UsageProblem) {
                line.getErr().println("ferry: " + e.getMessage());
            } else if (mismatch(e) != null) {
                line.getErr().println("ferry: " + mismatch(e).getMessage());
            } else {
                line.getErr().println("ferry: " + e.getMessage());
                if (!(e instanceof Unreachable)) {
                    e.printStackTrace(line.getErr());
                }
            }
            return exitCode(e);
        });
        return cli;
    }

    private static int exitCode(Throwable e) {
        if (e instanceof ConfigException || e instanceof UsageProblem || e instanceof CommandLine.ParameterException
                || mismatch(e) != null) {
            return ExitCode.USAGE.code();
        }
        return ExitCode.UNKNOWN.code();
    }

    /** Existing topics set up otherwise than the pipeline needs, wherever in the causes: a configuration problem. */
    private static io.ferry.core.topic.TopicAdmin.TopicsMismatch mismatch(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof io.ferry.core.topic.TopicAdmin.TopicsMismatch m) {
                return m;
            }
        }
        return null;
    }

    /** A command line that cannot work: exit 2, no stack trace. */
    static final class UsageProblem extends RuntimeException {
        UsageProblem(String message) {
            super(message);
        }
    }

    /** A server Ferry needs did not answer: exit 3, no stack trace. */
    static final class Unreachable extends RuntimeException {
        Unreachable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Ferry.class.getPackage().getImplementationVersion();
            return new String[] {"ferry " + (v == null ? "(development build)" : v)};
        }
    }
}
