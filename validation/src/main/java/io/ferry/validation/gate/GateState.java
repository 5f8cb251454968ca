package io.ferry.validation.gate;

import java.util.List;

/** The cutover gate's answer: {@code READY}, or {@code NOT_READY} with every reason. */
public record GateState(boolean ready, List<String> reasons) {

    public GateState {
        reasons = List.copyOf(reasons);
    }

    public String state() {
        return ready ? "READY" : "NOT_READY";
    }
}
