package io.ferry.app.service;

import io.ferry.core.config.ConfigError;
import io.ferry.core.config.PipelineConfig;
import io.ferry.core.config.Problems;
import io.ferry.core.config.SinkSettings;
import io.ferry.core.event.TableId;
import io.ferry.core.schema.TableSchema;
import io.ferry.core.spi.TargetTable;
import io.ferry.transform.mapping.Mappings;
import io.ferry.transform.mapping.TargetShapes;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The target tables of every sink, computed from the mappings and the source schemas the catalog knows,
 * and recomputed whenever a schema changes. A mapping whose source has no schema yet (a table without
 * rows) has no target table until its first row arrives. Problems only the schemas reveal (an unknown
 * column, an impossible cast) are logged and kept for the status.
 */
final class TargetShapesView {

    private static final Logger log = LoggerFactory.getLogger(TargetShapesView.class);

    private final PipelineConfig config;
    private final SchemaCatalog catalog;
    private volatile Map<String, Map<String, TargetTable>> shapes = Map.of();
    private volatile List<String> problems = List.of();

    TargetShapesView(PipelineConfig config, SchemaCatalog catalog) {
        this.config = config;
        this.catalog = catalog;
        // listening first: a schema that came while the first computation ran reached no listener, and the shapes stayed
        // without it until another schema changed
        catalog.onChange(schemas -> recompute());
        recompute();
    }

    /** Computes from the schemas known now, one computation at a time: an older one never overwrites a newer. */
    private synchronized void recompute() {
        if (!(config.mappings() instanceof Mappings mappings)) {
            return;
        }
        Map<TableId, TableSchema> schemas = catalog.schemas();
        Problems found = new Problems(config.file());
        shapes = new TargetShapes(found).compute(mappings, config.sinks().stream().map(SinkSettings::name).toList(), schemas);
        List<String> now = found.errors().stream()
                .map(ConfigError::toString)
                .filter(e -> !e.contains("no schema for table")) // a related table without rows yet: not a problem
                .toList();
        if (!now.equals(problems)) {
            now.forEach(p -> log.error("mapping problem: {}", p));
        }
        problems = now;
    }

    Map<String, TargetTable> forSink(String sink) {
        return shapes.getOrDefault(sink, Map.of());
    }

    /** Every sink's target tables, as known now. */
    Map<String, Map<String, TargetTable>> all() {
        return shapes;
    }

    /** What is wrong with the mappings given the current source schemas; empty when nothing. */
    List<String> problems() {
        return problems;
    }
}
