package io.ferry.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.core.ExitCode;
import io.ferry.core.config.Durations;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ferry cutover check|drain}: what cutover scripts call. Both ask the running service (its validate role). */
@Command(name = "cutover", mixinStandardHelpOptions = true, description = "Asks the running service whether the target can take over.",
        subcommands = {CutoverCommand.Check.class, CutoverCommand.Drain.class})
final class CutoverCommand {

    private static JsonNode json(String body) {
        try {
            return new ObjectMapper().readTree(body);
        } catch (IOException e) {
            throw new Ferry.Unreachable("the service answered something that is not JSON: " + e.getMessage(), e);
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Prints the cutover gate: READY (exit 0), or NOT_READY with every reason (exit 1).",
                "The gate uses the validation section of the running service's pipeline file."})
    static final class Check implements Callable<Integer> {

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Mixin
        ServiceClient service;

        @Override
        public Integer call() {
            ServiceClient.Answer a = service.get("/status", Duration.ofSeconds(10));
            if (a.status() != 200) {
                throw new Ferry.Unreachable("the status server answered " + a.status(), null);
            }
            JsonNode gate = json(a.body()).path("gate");
            if (gate.isMissingNode()) {
                throw new Ferry.Unreachable("that process does not run the validate role, so it cannot tell", null);
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println(gate.path("state").asText());
            gate.path("reasons").forEach(r -> out.println("  - " + r.asText()));
            out.flush();
            return gate.path("state").asText().equals("READY") ? ExitCode.OK.code() : ExitCode.NOT_READY.code();
        }
    }

    @Command(name = "drain", mixinStandardHelpOptions = true,
            description = {"For the final sync after source writes stop: writes a heartbeat into the source and waits until every",
                "sink has applied it (exact, not time-based). Exit 0 when drained, 3 on timeout or when the source cannot be reached."})
    static final class Drain implements Callable<Integer> {

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Mixin
        ServiceClient service;

        @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "300s", description = "How long to wait (default: 300s).")
        String timeout;

        @Override
        public Integer call() {
            Duration t;
            try {
                t = Durations.parse(timeout);
            } catch (IllegalArgumentException e) {
                throw new Ferry.UsageProblem("--timeout " + timeout + ": " + e.getMessage());
            }
            ServiceClient.Answer a = service.post("/drain?timeout=" + Durations.format(t), t.plusSeconds(30));
            JsonNode body = json(a.body());
            PrintWriter out = spec.commandLine().getOut();
            if (a.status() == 200) {
                out.println("drained: every sink applied heartbeat " + body.path("heartbeat").asLong());
                out.flush();
                return ExitCode.OK.code();
            }
            out.println("not drained: " + body.path("reason").asText("HTTP " + a.status()));
            out.flush();
            return ExitCode.UNKNOWN.code();
        }
    }
}
