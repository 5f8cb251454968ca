package io.ferry.app.cli;

import io.ferry.app.service.FerryService;
import io.ferry.validation.gate.GateState;

/** What {@code /ready} answers for a running service: null when the cutover gate is READY, else every reason, one per line. */
final class Readiness {

    private Readiness() {
    }

    static String reasons(FerryService service) {
        return service.gate().map(Readiness::reasons)
                .orElse("this process does not run the validate role, so it cannot tell (start it with --roles ...,validate)");
    }

    private static String reasons(GateState g) {
        return g.ready() ? null : String.join("\n", g.reasons());
    }
}
