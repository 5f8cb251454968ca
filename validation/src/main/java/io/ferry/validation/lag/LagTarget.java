package io.ferry.validation.lag;

import io.ferry.core.config.PipelineConfig;
import io.ferry.core.config.SinkSettings;
import io.ferry.core.topic.TopicNames;
import io.ferry.transform.mapping.Mappings;
import io.ferry.transform.mapping.TargetMapping;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** One target table of one sink, and the target topic that feeds it: what lag is reported for. */
public record LagTarget(String sink, String table, String topic) {

    /** Every (sink, target table) the pipeline's mappings write, in mapping order. */
    public static List<LagTarget> of(PipelineConfig config) {
        if (!(config.mappings() instanceof Mappings mappings)) {
            return List.of();
        }
        TopicNames names = new TopicNames(config.pipeline().name());
        List<String> all = config.sinks().stream().map(SinkSettings::name).toList();
        Set<LagTarget> out = new LinkedHashSet<>();
        for (TargetMapping m : mappings.targets()) {
            for (String sink : m.sinks().isEmpty() ? all : m.sinks()) {
                out.add(new LagTarget(sink, m.to(), names.target(sink, m.to())));
            }
        }
        return new ArrayList<>(out);
    }
}
