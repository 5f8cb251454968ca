package io.ferry.capture;

import io.ferry.capture.convert.TableFacts;
import io.ferry.capture.source.SourceDialect;
import io.ferry.capture.source.SourceTable;
import io.ferry.core.event.TableId;
import io.ferry.core.schema.ForeignKey;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A binlog source's table facts (foreign keys, MariaDB's JSON columns) kept current while capture runs: Debezium takes in
 * a table created, or a DDL, from the binlog, which does not carry those facts. A table the converter asks about that
 * these do not know (created since the launch) is read from the source; a table Debezium learned again (its shape
 * changed) is read again. The source is read as it is now, which is the table's state at the DDL unless a backlog of
 * binlog is being caught up across later DDL of the same table.
 */
final class LiveTableFacts implements TableFacts {

    private static final Logger log = LoggerFactory.getLogger(LiveTableFacts.class);

    private final SourceDialect dialect;
    private final String pipeline;
    private final Map<TableId, SourceTable> current = new ConcurrentHashMap<>();
    /** What an earlier launch knew, used only when the source cannot be read. */
    private final Map<TableId, SourceTable> fallback = new ConcurrentHashMap<>();

    /**
     * @param known tables as the launch's preflight read them
     * @param fresh whether {@code known} was read just now (a launch's first start); else each table is read again once
     */
    LiveTableFacts(SourceDialect dialect, String pipeline, Collection<SourceTable> known, boolean fresh) {
        this.dialect = dialect;
        this.pipeline = pipeline;
        for (SourceTable t : known) {
            (fresh ? current : fallback).put(t.id(), t);
        }
    }

    @Override
    public List<ForeignKey> foreignKeys(TableId table) {
        return table(table).map(SourceTable::foreignKeys).orElse(List.of());
    }

    @Override
    public Set<String> jsonColumns(TableId table) {
        return table(table).map(SourceTable::jsonColumns).orElse(Set.of());
    }

    @Override
    public void reshaped(TableId table) {
        SourceTable before = current.get(table);
        describe(table).ifPresent(now -> {
            if (before != null && (!before.foreignKeys().equals(now.foreignKeys()) || !before.jsonColumns().equals(now.jsonColumns()))) {
                log.info("capture of {}: {} changed at the source: foreign keys {}, JSON columns {}", pipeline, table,
                        now.foreignKeys().stream().map(fk -> fk.name() + " -> " + fk.parent() + " ON DELETE " + fk.onDelete()).toList(),
                        now.jsonColumns());
            }
        });
    }

    private Optional<SourceTable> table(TableId table) {
        SourceTable known = current.get(table);
        return known != null ? Optional.of(known) : describe(table);
    }

    /** Reads the table's facts from the source and keeps them; on failure keeps what was known (a WARN says so). */
    private Optional<SourceTable> describe(TableId table) {
        try (Connection c = dialect.connect()) {
            SourceTable now = dialect.describe(c, table);
            current.put(table, now);
            return Optional.of(now);
        } catch (SQLException | RuntimeException e) {
            SourceTable old = Optional.ofNullable(current.get(table)).orElse(fallback.get(table));
            if (old != null) {
                current.put(table, old); // asked again at the table's next shape change
            }
            log.warn("capture of {}: cannot read the foreign keys and JSON columns of {} from the source ({}); {}", pipeline, table,
                    e.getMessage(), old == null ? "it is converted without them" : "it is converted with those known before");
            return Optional.ofNullable(old);
        }
    }
}
