package io.ferry.validation.lag;

import io.ferry.core.config.SourceSettings;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the source's own clock and log position. Lag is computed on the source's clock (marker commit
 * times against the source's now) plus this host's monotonic time since the sample, so it never depends
 * on two hosts' clocks agreeing. One connection, reopened when lost. Not thread-safe.
 */
public final class SourceClock implements AutoCloseable {

    private static final Pattern LSN = Pattern.compile("([0-9A-Fa-f]+)/([0-9A-Fa-f]+)");
    private static final Pattern BINLOG_INDEX = Pattern.compile(".*\\.(\\d+)$");

    private final SourceSettings source;
    private Connection connection;

    /**
     * One reading.
     *
     * @param sourceNowUs the source's clock, microseconds since the epoch
     * @param logOrder the source's current log position in {@link io.ferry.core.event.SourceInfo#order()} units, or -1
     * @param takenAtNanos {@link System#nanoTime()} just before the query was sent: the source's clock read
     *     later, so {@code sourceNowUs + elapsed since takenAtNanos} is never behind the source's real now
     */
    public record Sample(long sourceNowUs, long logOrder, long takenAtNanos) {

        /** The source's now at {@code nanos} (this host's monotonic clock), never earlier than the truth. */
        public long sourceNowUsAt(long nanos) {
            return sourceNowUs + Math.max(0, (nanos - takenAtNanos) / 1_000);
        }
    }

    public SourceClock(SourceSettings source) {
        this.source = source;
    }

    /** @throws SQLException when the source cannot be reached */
    public Sample sample() throws SQLException {
        long t0 = System.nanoTime();
        try (Statement s = connection().createStatement()) {
            if (source.type().equals("postgres")) {
                try (ResultSet r = s.executeQuery("SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint, "
                        + "CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_current_wal_lsn()::text END")) {
                    r.next();
                    return new Sample(r.getLong(1), lsn(r.getString(2)), t0);
                }
            }
            long now;
            try (ResultSet r = s.executeQuery("SELECT CAST(UNIX_TIMESTAMP(NOW(6)) * 1000000 AS SIGNED)")) {
                r.next();
                now = r.getLong(1);
            }
            long order = -1;
            try (ResultSet r = s.executeQuery("SHOW MASTER STATUS")) {
                if (r.next()) {
                    order = binlogOrder(r.getString(1), r.getLong(2));
                }
            } catch (SQLException e) {
                // no binlog privilege or no binlog: lag in time only
            }
            return new Sample(now, order, t0);
        } catch (SQLException e) {
            close();
            throw e;
        }
    }

    /** A PostgreSQL LSN ({@code 16/B374D848}) as a number, or -1. */
    static long lsn(String text) {
        if (text == null) {
            return -1;
        }
        Matcher m = LSN.matcher(text);
        return m.matches() ? (Long.parseLong(m.group(1), 16) << 32) + Long.parseLong(m.group(2), 16) : -1;
    }

    /** A binlog file and position in the order units capture uses ({@code fileIndex << 48 | pos << 16}), or -1. */
    static long binlogOrder(String file, long pos) {
        Matcher m = file == null ? null : BINLOG_INDEX.matcher(file);
        return m != null && m.matches() ? (Long.parseLong(m.group(1)) << 48) | (pos << 16) : -1;
    }

    /**
     * How far behind {@code current} an applied position is, in bytes of log; -1 when unknown (binlog
     * positions in different files cannot be compared in bytes).
     */
    public static long distance(String sourceType, long current, long applied) {
        if (current < 0 || applied <= 0) {
            return -1;
        }
        if (sourceType.equals("postgres")) {
            return Math.max(0, current - applied);
        }
        if ((current >>> 48) != (applied >>> 48)) {
            return -1;
        }
        return Math.max(0, ((current >>> 16) & 0xFFFFFFFFL) - ((applied >>> 16) & 0xFFFFFFFFL));
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            String url = source.jdbcUrl();
            // one short query per read: a source that stops answering fails it instead of holding lag's thread
            connection = DriverManager.getConnection(url, source.connectionProperties(Duration.ofSeconds(10), Duration.ofSeconds(30)));
            if (!source.type().equals("postgres")) {
                // UNIX_TIMESTAMP(NOW(6)) goes through the session's time zone, which is ambiguous for the hour a
                // daylight-saving change repeats (the lag would read an hour off); in UTC it is exact
                try (Statement s = connection.createStatement()) {
                    s.execute("SET time_zone = '+00:00'");
                } catch (SQLException e) {
                    close();
                    throw e;
                }
            }
        }
        return connection;
    }

    @Override
    public void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // gone already
            }
            connection = null;
        }
    }
}
