package io.ferry.devstack.local;

import io.ferry.devstack.DevstackException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A server running as a child process under {@code watchdog.sh}: the server ends when this JVM closes
 * the watchdog's stdin or dies. Output goes to a log file in the server's instance directory.
 */
final class ServerProcess {

    private final String name;
    private final Process watchdog;
    private final Path pidFile;
    private final Path logFile;

    private ServerProcess(String name, Process watchdog, Path pidFile, Path logFile) {
        this.name = name;
        this.watchdog = watchdog;
        this.pidFile = pidFile;
        this.logFile = logFile;
    }

    /**
     * Starts {@code command} under the watchdog.
     *
     * @param stopSignal the signal that asks this server for a clean, prompt shutdown (e.g. INT, TERM)
     */
    static ServerProcess start(String name, List<String> command, Path instanceDir, String stopSignal,
            Map<String, String> environment) {
        Path pidFile = instanceDir.resolve("server.pid");
        Path logFile = instanceDir.resolve("server.log");
        List<String> full = new ArrayList<>(List.of("/bin/sh", Binaries.watchdogScript().toString(), stopSignal,
                pidFile.toString()));
        full.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(full)
                .directory(instanceDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        pb.environment().putAll(environment);
        try {
            Files.deleteIfExists(pidFile);
            return new ServerProcess(name, pb.start(), pidFile, logFile);
        } catch (IOException e) {
            throw new DevstackException("could not start " + name + ": " + String.join(" ", command), e);
        }
    }

    /** Runs a short-lived preparation command (initdb, install-db) to completion, failing on a non-zero exit. */
    static void runToCompletion(String what, List<String> command, Path workDir, Path logFile, Duration timeout,
            Map<String, String> environment) {
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        pb.environment().putAll(environment);
        try {
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new DevstackException(what + " did not finish in " + timeout.toSeconds() + " s; see " + logFile);
            }
            if (p.exitValue() != 0) {
                throw new DevstackException(what + " failed with exit code " + p.exitValue() + "; last lines of "
                        + logFile + ":\n" + tail(logFile, 30));
            }
        } catch (IOException e) {
            throw new DevstackException(what + " could not run: " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DevstackException(what + " interrupted");
        }
    }

    boolean isAlive() {
        return watchdog.isAlive();
    }

    int exitCode() {
        return watchdog.isAlive() ? -1 : watchdog.exitValue();
    }

    Path logFile() {
        return logFile;
    }

    /** The server's own pid (not the watchdog's), once the watchdog has written it. */
    Optional<Long> serverPid() {
        try {
            String text = Files.readString(pidFile).trim();
            return text.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(text));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Asks the server to stop (the watchdog sends the stop signal when its stdin closes) and waits;
     * past the timeout the server is killed.
     */
    void stop(Duration timeout) {
        if (!watchdog.isAlive()) {
            return;
        }
        try {
            watchdog.getOutputStream().close();
        } catch (IOException e) {
            // the pipe is gone already: the watchdog saw end-of-file either way
        }
        try {
            if (!watchdog.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                serverPid().flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroyForcibly);
                watchdog.destroyForcibly();
                watchdog.waitFor(10, TimeUnit.SECONDS);
                throw new DevstackException(name + " did not stop within " + timeout.toSeconds() + " s and was killed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            serverPid().flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroyForcibly);
            watchdog.destroyForcibly();
        }
    }

    String tail(int lines) {
        return tail(logFile, lines);
    }

    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
