package io.ferry.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.app.cli.Ferry;
import io.ferry.devstack.junit.ChildJvm;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code ferry run --config FILE} (all roles) as its own JVM, as an operator runs it, with its output appended to a
 * log file beside the pipeline file; the CLI commands cutover scripts use, pointed at its status server.
 */
final class FerryProcess implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String pipeline;
    private final Path config;
    private final Path log;
    private final int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Process process;

    FerryProcess(String pipeline, Path config, Path log, int port) {
        this.pipeline = pipeline;
        this.config = config;
        this.log = log;
        this.port = port;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    void start() {
        process = ChildJvm.start(Ferry.class, "1g", "pipeline " + pipeline + " running", log, "run", "--config", config.toString());
    }

    /** SIGKILL: no shutdown hook, no flush, no offset commit. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(60, TimeUnit.SECONDS);
    }

    /** SIGTERM, and the exit code (143 after a clean stop), or -1 when it did not stop within a minute. */
    int stop() throws InterruptedException {
        process.destroy();
        return process.waitFor(60, TimeUnit.SECONDS) ? process.exitValue() : -1;
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    Path log() {
        return log;
    }

    /** A {@code ferry} command against this process (--url appended); its exit code and what it printed. */
    Cli cli(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--url");
        all.add(url());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Ferry.execute(new PrintWriter(out, true), new PrintWriter(err, true), all.toArray(String[]::new));
        return new Cli(code, out + err.toString());
    }

    record Cli(int exitCode, String output) {
    }

    /** {@code GET /status}, or null while the server does not answer. */
    JsonNode status() {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url() + "/status")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** True once every captured table's snapshot is done. */
    boolean snapshotDone() {
        JsonNode s = status();
        if (s == null || s.path("snapshot").isEmpty()) {
            return false;
        }
        for (JsonNode t : s.path("snapshot")) {
            if (!t.path("done").asBoolean()) {
                return false;
            }
        }
        return true;
    }

    /** True once every sink table's lag is known: a heartbeat passed every stage, so capture is streaming. */
    boolean lagKnown() {
        JsonNode s = status();
        if (s == null || s.path("lag").isEmpty()) {
            return false;
        }
        for (JsonNode t : s.path("lag")) {
            if (t.path("lagMs").isNull() || t.path("lagMs").isMissingNode()) {
                return false;
            }
        }
        return true;
    }

    /** True once every sink and table reports a lag, none above {@code maxMs}: the pipeline has caught up. */
    boolean lagBelow(long maxMs) {
        JsonNode s = status();
        if (s == null || s.path("lag").isEmpty()) {
            return false;
        }
        for (JsonNode t : s.path("lag")) {
            if (!t.path("lagMs").isNumber() || t.path("lagMs").asLong() > maxMs) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }
}
