package io.ferry.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.core.config.HttpSettings;
import io.ferry.core.config.PipelineLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ferry status}: asks a running service for its status. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Prints a running service's status (stages, snapshot progress, sinks, lag, gate) as a table, or as JSON with --json.")
final class StatusCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "The pipeline file: the status server's address and token come from its http section.")
    Path config;

    @Option(names = "--url", paramLabel = "URL", description = "The status server (default: http://127.0.0.1:7878, or from --config).")
    String url;

    @Option(names = "--json", description = "Print the status document as JSON.")
    boolean json;

    @Override
    public Integer call() {
        String base = url;
        Optional<String> token = Optional.empty();
        if (config != null) {
            HttpSettings http = PipelineLoader.standard().load(config).http();
            String host = http.bind().equals("0.0.0.0") ? "127.0.0.1" : http.bind();
            base = base != null ? base : "http://" + host + ":" + http.port();
            token = http.token().map(t -> t.reveal());
        }
        if (base == null) {
            base = "http://127.0.0.1:7878";
        }
        String body = fetch(base.replaceAll("/+$", "") + "/status", token);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(body);
        } else {
            try {
                out.print(StatusTable.render(new ObjectMapper().readTree(body)));
            } catch (IOException e) {
                throw new Ferry.Unreachable("the status server answered something that is not JSON: " + e.getMessage(), e);
            }
        }
        out.flush();
        return 0;
    }

    private static String fetch(String url, Optional<String> token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET();
        token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
        try {
            HttpResponse<String> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                    .send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 401) {
                throw new Ferry.UsageProblem(url + " wants a bearer token: pass --config with the pipeline file that sets http.token");
            }
            if (response.statusCode() != 200) {
                throw new Ferry.Unreachable(url + " answered " + response.statusCode(), null);
            }
            return response.body();
        } catch (IOException e) {
            throw new Ferry.Unreachable("no Ferry service answers at " + url + " (" + e.getClass().getSimpleName() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Ferry.Unreachable("interrupted", e);
        }
    }

    /** The status document as aligned text tables. */
    static final class StatusTable {
        private StatusTable() {
        }

        static String render(JsonNode s) {
            StringBuilder b = new StringBuilder();
            b.append("pipeline ").append(s.path("pipeline").asText()).append("  (").append(s.path("time").asText()).append(")\n\n");
            b.append(String.format("%-24s %-13s %s%n", "STAGE", "STATE", "DETAIL"));
            for (JsonNode st : s.path("stages")) {
                b.append(String.format("%-24s %-13s %s%n", st.path("stage").asText(), st.path("state").asText(),
                        st.path("detail").asText("")));
            }
            if (!s.path("snapshot").isEmpty()) {
                b.append(String.format("%n%-32s %12s %12s %10s %s%n", "SNAPSHOT TABLE", "ROWS", "ESTIMATED", "ROWS/S", "ETA"));
                for (JsonNode t : s.path("snapshot")) {
                    b.append(String.format("%-32s %12d %12d %10d %s%n", t.path("table").asText(), t.path("rowsDone").asLong(),
                            t.path("rowsEstimated").asLong(), t.path("rowsPerSecond").asLong(),
                            t.path("done").asBoolean() ? "done" : t.has("etaSeconds") ? t.path("etaSeconds").asLong() + " s" : "?"));
                }
            }
            if (!s.path("sinks").isEmpty()) {
                b.append(String.format("%n%-24s %14s %12s%n", "SINK", "ROWS WRITTEN", "DEAD LETTERS"));
                for (JsonNode t : s.path("sinks")) {
                    b.append(String.format("%-24s %14d %12d%n", t.path("sink").asText(), t.path("rowsWritten").asLong(),
                            t.path("deadLetters").asLong()));
                }
            }
            for (JsonNode p : s.path("mappingProblems")) {
                b.append("\nmapping problem: ").append(p.asText()).append('\n');
            }
            return b.toString();
        }
    }
}
