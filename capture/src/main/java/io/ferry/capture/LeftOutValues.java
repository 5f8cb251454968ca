package io.ferry.capture;

import io.ferry.capture.convert.Converted;
import io.ferry.capture.source.SourceDialect;
import io.ferry.core.event.ChangeEvent;
import io.ferry.core.event.Row;
import io.ferry.core.event.TableId;
import io.ferry.core.schema.Column;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads back from the source what PostgreSQL's log leaves out of the create half of a primary-key change.
 *
 * <p>An update's unchanged TOAST values are not in its log record (under the default replica identity), and transform
 * fills them from its state of the row. A primary-key change is a delete of the old key and a create of the new one, and
 * the create half lacks them too; but nothing downstream holds the row under its new key (the old row is in another
 * partition's state, and the direct path keeps none), so the row would reach the targets without them. Capture reads
 * those columns by the new key, as the row is now. A later change of them is logged with its values and follows, so the
 * targets end as the source is. A row no longer there under that key (deleted since, or moved again) is left as it came:
 * its delete, or the create half of its next key change, follows.
 *
 * <p>One connection, opened when first needed, opened again once when the source closed it meanwhile, and closed with
 * the engine. A failure that may pass (the source unreachable: {@link #transientError}) fails the batch, which capture
 * publishes again from the last committed offset; any other (a column or table gone since, a key with no literal to
 * look it up by) is a WARN, once per table, and the row goes on without the values (validation reports it; {@code ferry
 * resnapshot} repairs it). One query per such row: a key rewrite of a whole table of large values reads each row back
 * in turn. Called on Debezium's handler thread only.
 */
final class LeftOutValues implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LeftOutValues.class);

    private final SourceDialect dialect;
    private final String pipeline;
    private final Set<TableId> warned = new HashSet<>();
    private Connection connection;

    LeftOutValues(SourceDialect dialect, String pipeline) {
        this.dialect = dialect;
        this.pipeline = pipeline;
    }

    /** The row with the columns its log record left out read back, when it is the create half of a key change. */
    Converted.Row complete(Converted.Row row) {
        ChangeEvent.RowChange e = row.event();
        if (e.op() != ChangeEvent.Op.CREATE || e.keyChange() == null) {
            return row;
        }
        List<Column> missing = row.schema().columns().stream().filter(c -> !e.after().has(c.name())).toList();
        if (missing.isEmpty()) {
            return row;
        }
        List<Column> readable = missing.stream().filter(c -> !"hstore".equals(c.type().sourceType())).toList();
        if (readable.size() < missing.size()) {
            warnOnce(e.table(), "its hstore columns are not read back (their JSON form is Debezium's own)");
        }
        if (readable.isEmpty()) {
            return row;
        }
        Optional<Row> now;
        try {
            now = read(row, readable);
        } catch (IllegalArgumentException | UnsupportedOperationException ex) {
            warnOnce(e.table(), ex.getMessage());
            return row;
        } catch (SQLException ex) {
            close();
            if (!transientError(ex)) {
                warnOnce(e.table(), ex.getMessage());
                return row;
            }
            throw new IllegalStateException("cannot read back from the source the values the log left out of " + e.table()
                    + " key " + e.key() + " (a primary-key change): " + ex.getMessage(), ex);
        }
        if (now.isEmpty()) {
            log.debug("capture of {}: {} key {} is no longer there to read back its left-out values; a later change follows",
                    pipeline, e.table(), e.key());
            return row;
        }
        Map<String, com.fasterxml.jackson.databind.JsonNode> after = new LinkedHashMap<>(e.after().asMap());
        after.putAll(now.get().asMap());
        ChangeEvent.RowChange completed = new ChangeEvent.RowChange(e.op(), e.table(), e.key(), e.before(), Row.of(after),
                e.source(), e.schemaVersion(), e.keyChange());
        return new Converted.Row(completed, row.schema(), row.defaulted());
    }

    /**
     * Reads the columns; a kept connection that the source closed meanwhile (an idle timeout, a restart of the source or
     * of a pooler) is opened again once, rather than failing the batch and restarting Debezium for it.
     */
    private Optional<Row> read(Converted.Row row, List<Column> columns) throws SQLException {
        boolean reused = connection != null;
        try {
            return dialect.currentValues(connection(), row.schema(), row.event().key(), columns);
        } catch (SQLException ex) {
            if (!reused || !transientError(ex)) {
                throw ex;
            }
            close();
            return dialect.currentValues(connection(), row.schema(), row.event().key(), columns);
        }
    }

    /**
     * A failure that may pass: the connection (class 08), too many connections, the server shutting down or starting, a
     * lock or serialization conflict. The batch is published again from the last committed offset. Anything else (a
     * column gone, a value too large to print, a statement timeout shorter than the read) would fail every time, and
     * would hold capture for ever: the row goes on without the values, with a WARN.
     */
    static boolean transientError(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("08") || state.equals("53300") || state.startsWith("57P") || state.equals("40001")
                || state.equals("40P01") || state.equals("55P03"));
    }

    private void warnOnce(TableId table, String why) {
        if (warned.add(table)) {
            log.warn("capture of {}: a primary-key change of {} reaches the targets without the values PostgreSQL's log left out of"
                    + " it (unchanged TOAST values): {}. Validation reports such rows; ferry resnapshot {} repairs them, and"
                    + " ALTER TABLE {} REPLICA IDENTITY FULL makes the log carry them", pipeline, table, why, table, table);
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null) {
            connection = dialect.connect();
        }
        return connection;
    }

    @Override
    public void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                log.debug("closing the connection for values read back failed", e);
            }
            connection = null;
        }
    }
}
