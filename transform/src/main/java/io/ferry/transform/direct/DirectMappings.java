package io.ferry.transform.direct;

import io.ferry.core.config.PipelineConfig;
import io.ferry.core.event.TableId;
import io.ferry.transform.mapping.ColumnSpec;
import io.ferry.transform.mapping.Entity;
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

    /**
     * The tables the sinks copy in bulk instead of Debezium's snapshot ({@code transform.bulk_copy}): with the direct path
     * on and an initial snapshot, the tables that direct mappings read and no other mapping reads (not by a pattern, not as
     * a related or nested table), since the transform stage would never see their rows otherwise.
     */
    public static Set<TableId> copied(PipelineConfig config) {
        List<TargetMapping> direct = of(config);
        if (direct.isEmpty() || !config.transform().bulkCopy() || !"initial".equals(config.source().snapshot())) {
            return Set.of();
        }
        Set<TableId> out = new LinkedHashSet<>(tables(direct));
        for (TargetMapping m : remaining((Mappings) config.mappings(), direct).targets()) {
            out.removeIf(t -> reads(m.entity(), t));
        }
        return out;
    }

    /** True when the entity reads this table: as its own table (exact or by pattern), a related one, or a nested child's. */
    private static boolean reads(Entity e, TableId table) {
        if (e.from().matches(table) || e.related().values().stream().anyMatch(r -> r.table().equals(table))) {
            return true;
        }
        return e.columns().stream().anyMatch(c -> reads(c, table));
    }

    private static boolean reads(ColumnSpec c, TableId table) {
        if (c instanceof ColumnSpec.Group g) {
            return g.columns().stream().anyMatch(x -> reads(x, table));
        }
        if (c instanceof ColumnSpec.Nest n) {
            return n.table().equals(table) || reads(n.child(), table);
        }
        return false;
    }

    /** The direct mappings one sink applies. */
    public static List<TargetMapping> forSink(List<TargetMapping> direct, String sink) {
        return direct.stream().filter(m -> m.writesTo(sink)).toList();
    }
}
