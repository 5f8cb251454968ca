package io.ferry.transform.topology;

import io.ferry.core.config.PipelineConfig;
import io.ferry.core.config.SinkSettings;
import io.ferry.transform.mapping.Mappings;
import java.time.ZoneId;
import java.util.List;

/**
 * Everything the topology is built from: the pipeline's name (topic names), the partitions of change and
 * target topics, the sinks, the source's time zone, the mappings, and the unlogged cascades of the source.
 */
public record TransformSpec(String pipeline, int partitions, List<String> sinks, ZoneId sourceZone, Mappings mappings,
        List<Cascade> cascades) {

    public TransformSpec {
        sinks = List.copyOf(sinks);
        cascades = List.copyOf(cascades);
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
        return new TransformSpec(config.pipeline().name(), config.kafka().partitions(),
                config.sinks().stream().map(SinkSettings::name).toList(), config.source().timeZone(), mine, cascades);
    }
}
