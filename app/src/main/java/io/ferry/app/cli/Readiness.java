package io.ferry.app.cli;

import io.ferry.app.service.FerryService;
import io.ferry.app.service.StageStatus;
import java.util.ArrayList;
import java.util.List;

/** What {@code /ready} answers for a running service: null when ready, else every reason, one per line. */
final class Readiness {

    private Readiness() {
    }

    static String reasons(FerryService service) {
        List<String> reasons = new ArrayList<>();
        for (StageStatus s : service.stages()) {
            if (!s.healthy() || s.state().equals("SNAPSHOTTING") || s.state().equals("STARTING")) {
                reasons.add(s.stage() + " is " + s.state() + (s.detail().isEmpty() ? "" : ": " + s.detail()));
            }
        }
        service.sinkCounts().stream().filter(c -> c.deadLetters() > 0)
                .forEach(c -> reasons.add("sink " + c.sink() + " sent " + c.deadLetters() + " records to the dead-letter topic"));
        service.mappingProblems().forEach(p -> reasons.add("mapping: " + p));
        return reasons.isEmpty() ? null : String.join("\n", reasons);
    }
}
