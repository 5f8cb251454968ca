package io.ferry.app.status;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferry.app.service.Deployment;
import io.ferry.app.service.FerryService;
import io.ferry.app.service.Role;
import io.ferry.app.service.StageStatus;
import io.ferry.capture.SnapshotProgress;
import io.ferry.validation.lag.LagTracker;
import io.ferry.validation.lag.TableLag;
import java.util.LinkedHashMap;
import java.util.Map;
import java.time.Instant;

/** The {@code /status} document: what this process runs and how each part is doing. Field names are documented in app/README.md. */
public final class StatusReport {

    private static final ObjectMapper JSON = new ObjectMapper();

    private StatusReport() {
    }

    private static void stages(ArrayNode out, java.util.List<StageStatus> stages) {
        for (StageStatus s : stages) {
            ObjectNode n = out.addObject();
            n.put("stage", s.stage());
            n.put("state", s.state());
            n.put("healthy", s.healthy());
            if (!s.detail().isEmpty()) {
                n.put("detail", s.detail());
            }
        }
    }

    public static ObjectNode of(FerryService service) {
        ObjectNode root = JSON.createObjectNode();
        root.put("pipeline", service.config().pipeline().name());
        root.put("time", Instant.now().toString());
        ArrayNode roles = root.putArray("roles");
        service.roles().stream().map(Role::label).sorted().forEach(roles::add);
        service.processName().ifPresent(p -> root.put("process", p));
        stages(root.putArray("stages"), service.stages());
        ArrayNode processes = root.putArray("processes");
        for (Deployment.Process p : service.otherProcesses()) {
            ObjectNode n = processes.addObject();
            n.put("process", p.process());
            ArrayNode theirRoles = n.putArray("roles");
            p.roles().forEach(theirRoles::add);
            n.put("seenAt", p.seenAt().toString());
            stages(n.putArray("stages"), p.stages());
        }
        ArrayNode snapshot = root.putArray("snapshot");
        for (SnapshotProgress.TableProgress t : service.snapshot()) {
            ObjectNode n = snapshot.addObject();
            n.put("table", t.table().toString());
            n.put("rowsDone", t.rowsDone());
            n.put("rowsEstimated", t.rowsEstimated());
            n.put("rowsPerSecond", Math.round(t.rowsPerSecond()));
            t.eta().ifPresent(eta -> n.put("etaSeconds", eta.toSeconds()));
            n.put("done", t.done());
        }
        ArrayNode sinks = root.putArray("sinks");
        for (FerryService.SinkCounts c : service.sinkCounts()) {
            ObjectNode n = sinks.addObject();
            n.put("sink", c.sink());
            n.put("rowsWritten", c.rows());
            n.put("deadLetters", c.deadLetters());
        }
        service.lag().ifPresent(lag -> {
            ArrayNode tables = root.putArray("lag");
            Map<String, String> stageStates = new LinkedHashMap<>();
            service.stages().forEach(st -> stageStates.put(st.stage(), st.state()));
            for (TableLag l : lag.tables()) {
                ObjectNode n = LagTracker.record(service.config().pipeline().name(), lag, l, stageStates);
                n.put("level", switch (l.state()) {
                    case "OK" -> "ok";
                    case "WARN" -> "warn";
                    case "UNKNOWN" -> "muted";
                    default -> "bad";
                });
                tables.add(n);
            }
            root.put("deadLetters", lag.deadLetters());
        });
        service.gate().ifPresent(g -> {
            ObjectNode gate = root.putObject("gate");
            gate.put("state", g.state());
            ArrayNode reasons = gate.putArray("reasons");
            g.reasons().forEach(reasons::add);
            ArrayNode blockers = gate.putArray("blockers");
            service.gateBlockers().ifPresent(b -> b.forEach(blockers::add));
            ObjectNode thresholds = gate.putObject("thresholds");
            var v = service.config().validation();
            thresholds.put("lagThresholdMs", v.lagThreshold().toMillis());
            thresholds.put("stableForMs", v.stableFor().toMillis());
            thresholds.put("maxValidationAgeMs", v.maxValidationAge().toMillis());
        });
        service.lastValidation().ifPresent(v -> root.set("validation", v.json()));
        // a validation that failed: the report before it is no longer the gate's (a cutover check that watches /status
        // must not take its clean result)
        service.lastValidationFailure().ifPresent(f -> {
            com.fasterxml.jackson.databind.node.ObjectNode v = root.has("validation") ? (com.fasterxml.jackson.databind.node.ObjectNode)
                    root.get("validation") : root.putObject("validation");
            v.put("failed", f);
        });
        ArrayNode problems = root.putArray("mappingProblems");
        service.mappingProblems().forEach(problems::add);
        return root;
    }

    public static String json(FerryService service) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(of(service));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
