package io.ferry.capture.source;

import io.ferry.core.event.TableId;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Which captured tables have no rows, for the schemas capture builds from the catalog ({@link SourceDialect#connectSchemas}). */
final class EmptyTables {

    private static final Logger log = LoggerFactory.getLogger(EmptyTables.class);

    private EmptyTables() {
    }

    /**
     * Whether a table has no rows, by {@code probe}; false (left to its first row) when it cannot be told: a table dropped
     * since, a SELECT grant taken back, a lock held too long. One table's trouble does not stop the others'.
     */
    static boolean isEmpty(Connection c, String probe, TableId table) {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(probe)) {
            return !rs.next();
        } catch (SQLException e) {
            log.warn("cannot tell whether {} has rows (its first row brings its schema): {}", table, e.getMessage());
            return false;
        }
    }
}
