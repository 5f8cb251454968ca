package io.ferry.devstack.junit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts a class of the test classpath in its own JVM, for tests that kill a process with SIGKILL and
 * start another: returns once the child printed its ready line, and drains its output from then on.
 */
public final class ChildJvm {

    /** The system property {@link #extraOptions()} reads. */
    public static final String OPTIONS = "ferry.child.jvm.options";

    private ChildJvm() {
    }

    /**
     * JVM options for every child, from the system property {@value #OPTIONS} (split at spaces), for a look inside
     * by hand: {@code -Dferry.child.jvm.options=-XX:StartFlightRecording=filename=/tmp/jfr/} records each child.
     */
    static List<String> extraOptions() {
        String options = System.getProperty(OPTIONS, "").strip();
        return options.isEmpty() ? List.of() : List.of(options.split("\\s+"));
    }

    /**
     * @param readyLine text the child prints once it is up
     * @throws IllegalStateException when the child exits before printing it
     */
    public static Process start(Class<?> main, String maxHeap, String readyLine, String... args) {
        return start(main, maxHeap, readyLine, null, args);
    }

    /**
     * As {@link #start(Class, String, String, String...)}, appending everything the child prints to {@code log}
     * (when not null), so a failed test leaves the child's own account behind.
     */
    public static Process start(Class<?> main, String maxHeap, String readyLine, Path log, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + maxHeap));
        cmd.addAll(extraOptions());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            Writer sink = log == null ? Writer.nullWriter()
                    : Files.newBufferedWriter(log, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            String line;
            do {
                line = out.readLine();
                if (line != null) {
                    sink.write(line);
                    sink.write('\n');
                }
            } while (line != null && !line.contains(readyLine));
            if (line == null) {
                sink.close();
                throw new IllegalStateException(main.getSimpleName() + " exited before printing '" + readyLine + "' (exit code "
                        + p.waitFor() + (log == null ? "" : "; its output is in " + log) + ")");
            }
            sink.flush();
            Thread drain = new Thread(() -> {
                try (Writer w = sink) {
                    char[] buf = new char[8192];
                    for (int n; (n = out.read(buf)) >= 0; ) {
                        w.write(buf, 0, n);
                        w.flush();
                    }
                } catch (IOException e) {
                    // the process is gone
                }
            }, "drain-" + main.getSimpleName());
            drain.setDaemon(true);
            drain.start();
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + main.getName(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting " + main.getName(), e);
        }
    }
}
