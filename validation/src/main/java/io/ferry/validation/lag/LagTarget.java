package io.ferry.validation.lag;

import io.ferry.core.config.PipelineConfig;
import io.ferry.core.config.SinkSettings;
import io.ferry.core.topic.TopicNames;
import io.ferry.transform.direct.DirectMappings;
import io.ferry.transform.mapping.Mappings;
import io.ferry.transform.mapping.TargetMapping;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One target table of one sink, and the topic that feeds it (its target topic, or for a direct mapping the source
 * table's change topic): what lag is reported for.
 */
public record LagTarget(String sink, String table, String topic) {

    /** Every (sink, target table) the pipeline's mappings write, in mapping order. */
    public static List<LagTarget> of(PipelineConfig config) {
        if (!(config.mappings() instanceof Mappings mappings)) {
            return List.of();
        }
        TopicNames names = new TopicNames(config.pipeline().name());
        List<String> all = config.sinks().stream().map(SinkSettings::name).toList();
        List<TargetMapping> direct = DirectMappings.of(config);
        Set<LagTarget> out = new LinkedHashSet<>();
        for (TargetMapping m : mappings.targets()) {
            for (String sink : m.sinksOf(all)) {
                // a direct mapping's sink reads the source table's change topic itself
                String topic = direct.contains(m) ? names.change(m.entity().from().exact().orElseThrow()) : names.target(sink, m.to());
                out.add(new LagTarget(sink, m.to(), topic));
            }
        }
        return new ArrayList<>(out);
    }
}
