package io.ferry.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ferry status}: asks a running service for its status. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Prints a running service's status (stages, snapshot progress, sinks, lag, gate) as a table, or as JSON with --json.")
final class StatusCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ServiceClient service;

    @Option(names = "--json", description = "Print the status document as JSON.")
    boolean json;

    @Override
    public Integer call() {
        ServiceClient.Answer answer = service.get("/status", Duration.ofSeconds(10));
        if (answer.status() != 200) {
            throw new Ferry.Unreachable("the status server answered " + answer.status(), null);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(answer.body());
        } else {
            try {
                out.print(StatusTable.render(new ObjectMapper().readTree(answer.body())));
            } catch (IOException e) {
                throw new Ferry.Unreachable("the status server answered something that is not JSON: " + e.getMessage(), e);
            }
        }
        out.flush();
        return 0;
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
            if (!s.path("lag").isEmpty()) {
                b.append(String.format("%n%-16s %-28s %10s %14s %12s %s%n", "SINK", "TABLE", "LAG", "LOG BYTES", "ROWS", "STATE"));
                for (JsonNode t : s.path("lag")) {
                    b.append(String.format("%-16s %-28s %10s %14s %12d %s%n", t.path("sink").asText(), t.path("table").asText(),
                            t.path("lagMs").isNull() ? "?" : String.format("%.1f s", t.path("lagMs").asLong() / 1000.0),
                            t.path("logDistanceBytes").isNumber() ? t.path("logDistanceBytes").asText() : "", t.path("rowsApplied").asLong(),
                            t.path("state").asText() + (t.has("detail") ? " (" + t.path("detail").asText() + ")" : "")));
                }
            }
            if (s.has("gate")) {
                b.append("\ngate: ").append(s.path("gate").path("state").asText()).append('\n');
                for (JsonNode r : s.path("gate").path("reasons")) {
                    b.append("  - ").append(r.asText()).append('\n');
                }
            }
            for (JsonNode p : s.path("mappingProblems")) {
                b.append("\nmapping problem: ").append(p.asText()).append('\n');
            }
            return b.toString();
        }
    }
}
