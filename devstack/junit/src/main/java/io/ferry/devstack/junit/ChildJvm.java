package io.ferry.devstack.junit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts a class of the test classpath in its own JVM, for tests that kill a process with SIGKILL and
 * start another: returns once the child printed its ready line, and drains its output from then on.
 */
public final class ChildJvm {

    private ChildJvm() {
    }

    /**
     * @param readyLine text the child prints once it is up
     * @throws IllegalStateException when the child exits before printing it
     */
    public static Process start(Class<?> main, String maxHeap, String readyLine, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + maxHeap, "-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line;
            do {
                line = out.readLine();
            } while (line != null && !line.contains(readyLine));
            if (line == null) {
                throw new IllegalStateException(main.getSimpleName() + " exited before printing '" + readyLine + "' (exit code "
                        + p.waitFor() + ")");
            }
            Thread drain = new Thread(() -> {
                try {
                    out.transferTo(Writer.nullWriter());
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
