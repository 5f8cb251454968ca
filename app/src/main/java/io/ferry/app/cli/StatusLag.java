package io.ferry.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.validation.gate.ValidationSummary;
import io.ferry.validation.lag.TableLag;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads the gate's inputs back from a {@code /status} document, for a gate the CLI evaluates with other thresholds. */
final class StatusLag {

    private StatusLag() {
    }

    static List<TableLag> tables(JsonNode status) {
        List<TableLag> out = new ArrayList<>();
        for (JsonNode l : status.path("lag")) {
            out.add(new TableLag(l.path("sink").asText(), l.path("table").asText(), l.path("lagMs").isNumber() ? l.path("lagMs").asLong() : -1,
                    l.path("logDistanceBytes").isNumber() ? l.path("logDistanceBytes").asLong() : -1, l.path("appliedPosition").asText(""),
                    l.path("rowsApplied").asLong(), l.path("heartbeat").asLong(-1), l.path("state").asText(), l.path("detail").asText("")));
        }
        return out;
    }

    static List<String> stageProblems(JsonNode status) {
        List<String> out = new ArrayList<>();
        JsonNode blockers = status.path("gate").path("blockers");
        if (blockers.isArray()) {
            // the service's own account (since session 30): every process's stages, and what only it can see (the
            // deployment's processes topic not read yet or no longer followed, lag tracking stopped, a stale evaluation)
            blockers.forEach(b -> out.add(b.asText()));
            return out;
        }
        for (JsonNode s : status.path("stages")) {
            String state = s.path("state").asText();
            // the validate stage RETRYING (the source's clock unreadable) shows in the lag; FAILED (lag tracking stopped) does not
            boolean validate = s.path("stage").asText().equals("validate");
            if (validate ? state.equals("FAILED")
                    : !s.path("healthy").asBoolean() || state.equals("SNAPSHOTTING") || state.equals("STARTING")) {
                out.add(s.path("stage").asText() + " is " + state + (s.has("detail") ? ": " + s.path("detail").asText() : ""));
            }
        }
        for (JsonNode p : status.path("processes")) {
            // the other processes of the deployment, as the service's own gate counts them; their validation is their own
            for (JsonNode s : p.path("stages")) {
                String state = s.path("state").asText();
                if (!s.path("stage").asText().equals("validate")
                        && (!s.path("healthy").asBoolean() || state.equals("SNAPSHOTTING") || state.equals("STARTING"))) {
                    out.add(s.path("stage").asText() + " in process " + p.path("process").asText() + " is " + state
                            + (s.has("detail") ? ": " + s.path("detail").asText() : ""));
                }
            }
        }
        return out;
    }

    static Optional<ValidationSummary> validation(JsonNode status) {
        JsonNode v = status.path("validation");
        if (v.isMissingNode()) {
            return Optional.empty();
        }
        if (v.has("failed")) {
            return Optional.of(new ValidationSummary(Instant.now(), false, "the last validation failed: " + v.path("failed").asText()));
        }
        return Optional.of(new ValidationSummary(Instant.parse(v.path("startedAt").asText()), v.path("clean").asBoolean(),
                v.path("summary").asText()));
    }
}
