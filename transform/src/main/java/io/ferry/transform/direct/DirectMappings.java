package io.ferry.transform.direct;

import io.ferry.core.config.PipelineConfig;
import io.ferry.core.event.TableId;
import io.ferry.transform.mapping.Mappings;
import io.ferry.transform.mapping.TargetMapping;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which mappings take the direct path ({@code transform.direct}): on a PostgreSQL source, every mapping that reads
 * one exact table and nothing else (no {@code related}, no {@code nest}, no pattern). Such a mapping needs no state:
 * each change maps on its own, given the whole row before and after it, which REPLICA IDENTITY FULL provides (capture
 * checks). MySQL and MariaDB sources stay on the transform: their unlogged cascades are found only at run time, from
 * the foreign keys, and would join tables into groups the direct path cannot see. A pure function of the pipeline
 * file, so every role of every process decides alike.
 */
public final class DirectMappings {

    private DirectMappings() {
    }

    /** The direct mappings of the pipeline, in file order; empty when the direct path is off or does not apply. */
    public static List<TargetMapping> of(PipelineConfig config) {
        if (!config.transform().direct() || !"postgres".equals(config.source().type())
                || !(config.mappings() instanceof Mappings mappings)) {
            return List.of();
        }
        return mappings.targets().stream().filter(DirectMappings::eligible).toList();
    }

    /** True when the mapping reads one exact table only. */
    public static boolean eligible(TargetMapping m) {
        return m.entity().from().exact().isPresent() && m.entity().related().isEmpty() && !m.entity().hasNests();
    }

    /** The mappings left for the transform stage. */
    public static Mappings remaining(Mappings all, List<TargetMapping> direct) {
        List<TargetMapping> rest = new ArrayList<>(all.targets());
        rest.removeAll(direct);
        return new Mappings(rest);
    }

    /** The source tables the direct mappings read (they need complete rows in the log). */
    public static Set<TableId> tables(List<TargetMapping> direct) {
        Set<TableId> out = new LinkedHashSet<>();
        direct.forEach(m -> out.add(m.entity().from().exact().orElseThrow()));
        return out;
    }

    /** The direct mappings one sink applies. */
    public static List<TargetMapping> forSink(List<TargetMapping> direct, String sink) {
        return direct.stream().filter(m -> m.sinks().isEmpty() || m.sinks().contains(sink)).toList();
    }
}
