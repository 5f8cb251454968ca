package io.ferry.transform.topology;

import io.ferry.core.config.PipelineConfig;
import io.ferry.core.config.SinkSettings;
import io.ferry.transform.mapping.Mappings;
import java.time.ZoneId;
import java.util.List;

/**
 * Everything the topology is built from: the pipeline's name (topic names), the partitions of change and
 * target topics, the sinks, the source's time zone, the mappings, the unlogged cascades of the source, and the largest
 * record it may write ({@code kafka.max_record_size}), and the sinks that take patches of nested documents (the others get
 * the whole row: {@link io.ferry.core.spi.SinkFactory#takesPatches}).
 */
public record TransformSpec(String pipeline, int partitions, List<String> sinks, ZoneId sourceZone, Mappings mappings,
        List<Cascade> cascades, int maxRecordBytes, java.util.Set<String> patchSinks) {

    public TransformSpec {
        sinks = List.copyOf(sinks);
        cascades = List.copyOf(cascades);
        patchSinks = java.util.Set.copyOf(patchSinks);
    }

    /** A spec with Ferry's default record limit, every sink a document target. */
    public TransformSpec(String pipeline, int partitions, List<String> sinks, ZoneId sourceZone, Mappings mappings,
            List<Cascade> cascades) {
        this(pipeline, partitions, sinks, sourceZone, mappings, cascades, io.ferry.core.topic.TopicSpec.MAX_RECORD_BYTES,
                java.util.Set.copyOf(sinks));
    }

    /**
     * The transform stage's work: the pipeline's mappings but the direct ones ({@code transform.direct}).
     *
     * @throws IllegalArgumentException when the file has no mappings section (the caller checks first)
     */
    public static TransformSpec of(PipelineConfig config, List<Cascade> cascades) {
        if (!(config.mappings() instanceof Mappings m)) {
            throw new IllegalArgumentException(config.file() + ": no 'mappings' section; the transform stage needs one");
        }
        // the direct mappings are applied by the sinks themselves
        Mappings mine = io.ferry.transform.direct.DirectMappings.remaining(m, io.ferry.transform.direct.DirectMappings.of(config));
        io.ferry.core.spi.SinkFactories factories = io.ferry.core.spi.SinkFactories.load();
        java.util.Set<String> patchSinks = new java.util.HashSet<>();
        config.sinks().stream().filter(s -> factories.find(s.type()).map(io.ferry.core.spi.SinkFactory::takesPatches).orElse(false))
                .forEach(s -> patchSinks.add(s.name()));
        return new TransformSpec(config.pipeline().name(), config.kafka().partitions(),
                config.sinks().stream().map(SinkSettings::name).toList(), config.source().timeZone(), mine, cascades,
                config.kafka().maxRecordBytes(), patchSinks);
    }
}
