package io.ferry.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.core.ExitCode;
import io.ferry.core.config.Durations;
import java.io.PrintWriter;
import io.ferry.validation.gate.CutoverGate;
import io.ferry.validation.gate.GateState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ferry cutover check|drain}: what cutover scripts call. Both ask the running service (its validate role). */
@Command(name = "cutover", mixinStandardHelpOptions = true, description = "Asks the running service whether the target can take over.",
        subcommands = {CutoverCommand.Check.class, CutoverCommand.Drain.class})
final class CutoverCommand {

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Prints the cutover gate: READY (exit 0), or NOT_READY with every reason (exit 1).",
                "Without threshold flags it prints the running service's gate (the validation section of its pipeline file).",
                "With any of them it watches the service's status once a second for the stable window and decides itself."})
    static final class Check implements Callable<Integer> {

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Mixin
        ServiceClient service;

        @Option(names = "--lag-threshold", paramLabel = "DURATION", description = "Overrides validation.lag_threshold.")
        String lagThreshold;

        @Option(names = "--stable-for", paramLabel = "DURATION", description = "Overrides validation.stable_for.")
        String stableFor;

        @Option(names = "--max-validation-age", paramLabel = "DURATION", description = "Overrides validation.max_validation_age.")
        String maxValidationAge;

        @Override
        public Integer call() throws InterruptedException {
            // the flags first: a typo is the caller's to fix (2), even when no service answers (3, which scripts retry)
            parse("--lag-threshold", lagThreshold, com.fasterxml.jackson.databind.node.MissingNode.getInstance());
            parse("--stable-for", stableFor, com.fasterxml.jackson.databind.node.MissingNode.getInstance());
            parse("--max-validation-age", maxValidationAge, com.fasterxml.jackson.databind.node.MissingNode.getInstance());
            JsonNode status = status();
            JsonNode gate = status.path("gate");
            if (gate.isMissingNode()) {
                // a deployment problem, not a passing one: a script that retries on 3 would ask the wrong process for ever
                throw new Ferry.UsageProblem("that process does not run the validate role, so it cannot tell; ask one that does");
            }
            String state;
            List<String> reasons = new ArrayList<>();
            if (lagThreshold == null && stableFor == null && maxValidationAge == null) {
                state = gate.path("state").asText();
                gate.path("reasons").forEach(r -> reasons.add(r.asText()));
            } else {
                GateState decided = decide(gate.path("thresholds"));
                state = decided.state();
                reasons.addAll(decided.reasons());
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println(state);
            reasons.forEach(r -> out.println("  - " + r));
            out.flush();
            return state.equals("READY") ? ExitCode.OK.code() : ExitCode.NOT_READY.code();
        }

        private JsonNode status() {
            ServiceClient.Answer a = service.get("/status", Duration.ofSeconds(10));
            if (a.status() != 200) {
                throw new Ferry.Unreachable("the status server answered " + a.status(), null);
            }
            return ServiceClient.json(a.body());
        }

        /** Watches the status for the stable window with the overridden thresholds; READY only if it held throughout. */
        private GateState decide(JsonNode configured) throws InterruptedException {
            Duration threshold = parse("--lag-threshold", lagThreshold, configured.path("lagThresholdMs"));
            Duration window = parse("--stable-for", stableFor, configured.path("stableForMs"));
            Duration maxAge = parse("--max-validation-age", maxValidationAge, configured.path("maxValidationAgeMs"));
            CutoverGate gate = new CutoverGate(threshold, window, maxAge);
            long end = System.nanoTime() + window.toNanos();
            GateState last;
            do {
                JsonNode s = status();
                // the validation's age on the service's own clock (its startedAt is on it), the window on this host's monotonic one
                last = gate.evaluate(serviceTime(s), System.nanoTime(), StatusLag.tables(s), s.path("deadLetters").asLong(),
                        StatusLag.stageProblems(s), StatusLag.validation(s));
                if (last.reasons().stream().anyMatch(r -> !r.contains("not yet the"))) {
                    return last; // something other than the window keeps it closed: no need to wait it out
                }
                Thread.sleep(1000);
            } while (System.nanoTime() < end + 1_000_000_000L);
            return last;
        }

        /** When the status document was made, on the service's clock; this host's time if it does not say. */
        static Instant serviceTime(JsonNode status) {
            try {
                return Instant.parse(status.path("time").asText());
            } catch (java.time.format.DateTimeParseException e) {
                return Instant.now();
            }
        }

        private static Duration parse(String flag, String given, JsonNode configuredMs) {
            if (given == null) {
                return Duration.ofMillis(configuredMs.asLong());
            }
            try {
                return Durations.parse(given);
            } catch (IllegalArgumentException e) {
                throw new Ferry.UsageProblem(flag + " " + given + ": " + e.getMessage());
            }
        }
    }

    @Command(name = "drain", mixinStandardHelpOptions = true,
            description = {"For the final sync after source writes stop: writes a heartbeat into the source and waits until every",
                "sink has applied it (exact, not time-based), then validates. Exit 0 when drained and every table matches,",
                "1 when validation found differences, 3 on timeout, when the source cannot be reached or a table could not be read."})
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
            PrintWriter out = spec.commandLine().getOut();
            if (a.status() != 200) {
                out.println("not drained: HTTP " + a.status() + ": " + ServiceClient.reason(a));
                out.flush();
                // 409: refused, which asking again does not change (a read-only source, no validate role, a heartbeat
                // sequence behind); anything else may pass (the source unreachable, a timeout)
                return a.status() == 409 ? ExitCode.USAGE.code() : ExitCode.UNKNOWN.code();
            }
            JsonNode body = ServiceClient.json(a.body());
            out.println("drained: every sink applied heartbeat " + body.path("heartbeat").asLong());
            out.println("final validation ...");
            out.flush();
            ServiceClient.Answer v = service.post("/validate", Duration.ofHours(2));
            if (v.status() != 200) {
                out.println("final validation could not run: HTTP " + v.status() + ": " + ServiceClient.reason(v));
                out.flush();
                return v.status() == 409 ? ExitCode.USAGE.code() : ExitCode.UNKNOWN.code();
            }
            JsonNode report = ServiceClient.json(v.body());
            out.println(report.path("summary").asText());
            out.flush();
            return ValidateCommand.exitCode(report);
        }
    }
}
