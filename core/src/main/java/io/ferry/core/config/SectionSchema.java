package io.ferry.core.config;

import java.util.List;

/**
 * A later stage's part of the pipeline file (the transform stage declares {@code mappings}), found
 * through {@link java.util.ServiceLoader}, so its errors are reported with the core's, in one list.
 */
public interface SectionSchema {

    /** The top-level key this schema reads, e.g. {@code mappings}. */
    String section();

    /** Its option declarations, for the options reference. */
    List<Section> declarations();

    /**
     * Binds the section's node, recording every problem with its path and line. Called once per load,
     * never with null; may return null when problems were recorded.
     */
    Object bind(ConfigNode node, Problems problems);

    /**
     * Checks what {@link #bind} returned against the rest of the file (source tables, sink names), once
     * the other sections bound cleanly. Records problems with the path and line of the offending key.
     */
    default void check(Object bound, PipelineConfig config, Problems problems) {
    }
}
