package io.ferry.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.core.ExitCode;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ferry validate}: one validation by the running service. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {"Compares source and targets through the mappings now, table by table, and prints MATCH or DIFF with counts",
            "and sample keys. Rows that differ are compared again once the sinks caught up. Exit 0 when every table matches,",
            "1 when some differ."})
final class ValidateCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ServiceClient service;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Option(names = "--timeout", defaultValue = "60m", description = "How long to wait for the report (default: 60m).")
    String timeout;

    @Override
    public Integer call() {
        Duration wait;
        try {
            wait = io.ferry.core.config.Durations.parse(timeout);
        } catch (IllegalArgumentException e) {
            throw new Ferry.UsageProblem("--timeout " + timeout + ": " + e.getMessage());
        }
        ServiceClient.Answer a = service.post("/validate", wait);
        if (a.status() == 409) {
            // refused, not failed: asking again does not help (a process without the validate role)
            throw new Ferry.UsageProblem("the service cannot validate: " + ServiceClient.reason(a));
        }
        if (a.status() != 200) {
            throw new Ferry.Unreachable("the service could not validate (HTTP " + a.status() + "): " + a.body().trim(), null);
        }
        JsonNode report;
        try {
            report = new ObjectMapper().readTree(a.body());
        } catch (IOException e) {
            throw new Ferry.Unreachable("the service answered something that is not JSON: " + e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(report.toPrettyString());
        } else {
            out.printf("%-16s %-28s %-8s %10s %10s %8s %8s %10s%n", "SINK", "TABLE", "RESULT", "SOURCE", "TARGET", "MISSING", "EXTRA",
                    "DIFFERENT");
            for (JsonNode t : report.path("tables")) {
                out.printf("%-16s %-28s %-8s %10d %10d %8d %8d %10d%n", t.path("sink").asText(), t.path("table").asText(),
                        t.path("result").asText(), t.path("sourceRows").asLong(), t.path("targetRows").asLong(), t.path("missing").asLong(),
                        t.path("extra").asLong(), t.path("different").asLong());
                for (JsonNode d : t.path("samples")) {
                    out.println("    " + d.path("kind").asText() + " " + d.path("key") + (d.path("columns").isEmpty() ? "" : " " + d.path("columns")));
                }
                if (!t.path("detail").asText().isEmpty()) {
                    out.println("    " + t.path("detail").asText());
                }
            }
            out.println(report.path("summary").asText());
        }
        out.flush();
        return exitCode(report);
    }

    /**
     * A validation report's exit code: 1 when some table differs (a difference found is an answer, whatever other tables
     * could not be read), else 3 when some table could not be compared, else 0 when clean.
     */
    static int exitCode(JsonNode report) {
        boolean error = false;
        for (JsonNode t : report.path("tables")) {
            String result = t.path("result").asText();
            if (result.equals("DIFF")) {
                return ExitCode.NOT_READY.code();
            }
            error |= result.equals("ERROR");
        }
        return error ? ExitCode.UNKNOWN.code() : report.path("clean").asBoolean() ? ExitCode.OK.code() : ExitCode.NOT_READY.code();
    }
}
