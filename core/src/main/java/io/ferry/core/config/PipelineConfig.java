package io.ferry.core.config;

import java.util.List;

/**
 * A whole pipeline file, bound and checked. Immutable; {@link ConfigPrinter} prints it with secrets masked.
 *
 * @param mappings what the {@code mappings} schema bound, or the raw {@link ConfigNode} when no schema
 *     is on the classpath, or null when the file has no mappings
 */
public record PipelineConfig(String file, PipelineSettings pipeline, KafkaSettings kafka, SourceSettings source,
        Object mappings, List<SinkSettings> sinks, TransformSettings transform, ValidationSettings validation, HttpSettings http,
        List<ConfigValues> sections) {

    public PipelineConfig {
        sinks = List.copyOf(sinks);
        sections = List.copyOf(sections);
    }
}
