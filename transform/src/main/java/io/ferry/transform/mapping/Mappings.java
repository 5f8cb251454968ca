package io.ferry.transform.mapping;

import java.util.List;

/** The bound {@code mappings} section: every target mapping, in file order. */
public record Mappings(List<TargetMapping> targets) {

    public Mappings {
        targets = List.copyOf(targets);
    }
}
