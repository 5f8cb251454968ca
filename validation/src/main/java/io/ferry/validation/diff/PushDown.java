package io.ferry.validation.diff;

import io.ferry.core.event.TableId;
import io.ferry.core.schema.Column;
import io.ferry.core.schema.TableSchema;
import io.ferry.core.types.CanonicalType;
import io.ferry.transform.mapping.ColumnSpec;
import io.ferry.transform.mapping.Entity;
import io.ferry.transform.mapping.RowMapper;
import io.ferry.transform.mapping.TargetMapping;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Whether a (sink, target table) can be compared by checksums computed in both databases (validation/README.md, "Pushed
 * down"): both sides SQL of one family, one mapping that copies one source table column for column (renames allowed),
 * and a single integer key that the target keeps under its mapped name. Pure: no servers.
 */
final class PushDown {

    private static final Set<CanonicalType> INTEGER_KEYS = Set.of(CanonicalType.INT16, CanonicalType.INT32, CanonicalType.INT64);

    private PushDown() {
    }

    /**
     * How the target's columns line up with the source table's.
     *
     * @param family {@code postgres} or {@code mysql} (MySQL and MariaDB), both sides
     * @param sourceColumns the source column of each target column, in the target's column order
     * @param targetColumns the target columns, in their order
     */
    record Shape(String family, TableId source, String sourceKey, String targetKey, List<String> sourceColumns,
            List<String> targetColumns) {

        Shape {
            sourceColumns = List.copyOf(sourceColumns);
            targetColumns = List.copyOf(targetColumns);
        }
    }

    /** A shape to push down, or the reason the table is compared row by row. */
    record Decision(Optional<Shape> shape, String reason) {

        static Decision no(String reason) {
            return new Decision(Optional.empty(), reason);
        }
    }

    /** The SQL family of a source or sink type: {@code postgres}, {@code mysql} (MySQL and MariaDB), or null. */
    static String family(String type) {
        return switch (type) {
            case "postgres" -> "postgres";
            case "mysql", "mariadb" -> "mysql";
            default -> null;
        };
    }

    static Decision decide(TableCheck check, String sourceType, Map<TableId, TableSchema> schemas) {
        String family = family(check.sinkType());
        if (family == null || !family.equals(family(sourceType))) {
            return Decision.no("source " + sourceType + " and sink " + check.sinkType() + " are not the same SQL family");
        }
        if (check.mappings().size() != 1) {
            return Decision.no(check.mappings().size() + " mappings write the table");
        }
        TargetMapping mapping = check.mappings().get(0);
        Entity entity = mapping.entity();
        if (entity.from().exact().isEmpty()) {
            return Decision.no("the mapping reads a table pattern");
        }
        if (!entity.related().isEmpty() || entity.filter().isPresent() || !mapping.clustering().isEmpty()) {
            return Decision.no("the mapping has relations, a filter or clustering columns");
        }
        TableSchema source = schemas.get(entity.from().exact().get());
        if (source == null) {
            return Decision.no("the source schema is not known");
        }
        Map<String, String> sourceOf = new HashMap<>();
        if (entity.allColumns()) {
            source.columns().stream().map(Column::name).filter(c -> !entity.drop().contains(c)).forEach(c -> sourceOf.put(c, c));
        } else {
            for (ColumnSpec spec : entity.columns()) {
                if (!(spec instanceof ColumnSpec.Value v) || v.expr().asColumn().isEmpty() || !v.valueMap().isEmpty()
                        || v.defaultValue().isPresent() || v.cast().isPresent()) {
                    return Decision.no("target column " + spec.name() + " is not a plain source column");
                }
                sourceOf.put(v.name(), v.expr().asColumn().get());
            }
        }
        if (source.primaryKey().size() != 1) {
            return Decision.no("the source key is not a single column");
        }
        String sourceKey = source.primaryKey().get(0);
        Optional<Column> keyColumn = source.column(sourceKey);
        if (keyColumn.isEmpty() || !INTEGER_KEYS.contains(keyColumn.get().type().kind())) {
            return Decision.no("the source key is not an integer column");
        }
        List<String> targetKey;
        try {
            targetKey = RowMapper.keyColumns(mapping, source.primaryKey());
        } catch (RuntimeException e) {
            return Decision.no("the target key is not the source key");
        }
        if (targetKey.size() != 1 || !sourceKey.equals(sourceOf.get(targetKey.get(0))) || !check.table().key().equals(targetKey)) {
            return Decision.no("the target key is not the source key");
        }
        List<String> sources = new ArrayList<>();
        List<String> targets = new ArrayList<>();
        for (Column c : check.table().columns()) {
            String from = sourceOf.get(c.name());
            if (from == null || source.column(from).isEmpty()) {
                return Decision.no("target column " + c.name() + " is not a source column");
            }
            sources.add(from);
            targets.add(c.name());
        }
        if (targets.size() != sourceOf.size()) {
            return Decision.no("the target shape does not have every mapped column");
        }
        return new Decision(Optional.of(new Shape(family, source.table(), sourceKey, targetKey.get(0), sources, targets)), "");
    }
}
