package io.ferry.validation.diff;

import io.ferry.core.config.ConfigValues;
import io.ferry.core.config.Secret;
import io.ferry.core.config.SinkSettings;
import io.ferry.core.config.SourceSettings;
import io.ferry.core.spi.RowReader;
import io.ferry.core.spi.SinkWriteException;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * Runs a {@link SegmentedComparison} for one qualifying table: opens a JDBC connection to the source (as capture
 * connects) and one to the target (with the sink's own {@code url}, {@code user}, {@code password}, {@code schema}),
 * and compares the small ranges row by row through the validator's usual path: source rows read with the JDBC reader
 * and mapped with the transform's mapper, target rows read back with the sink's {@link RowReader}.
 */
final class PushedDown {

    /**
     * Bounds on the checksum connections: generous, since the segments' boundaries are one query over a whole table, and
     * the recheck counts whole tables; a peer gone without a word is found sooner by TCP keepalive.
     */
    static final java.time.Duration CONNECT_TIMEOUT = java.time.Duration.ofSeconds(10);
    static final java.time.Duration READ_TIMEOUT = java.time.Duration.ofHours(6);

    private PushedDown() {
    }

    /**
     * @param ranges null for a first pass; the ranges the first pass compared row by row, for the recheck
     * @throws SQLException when a checksum query fails (the caller falls back to comparing row by row)
     */
    static SegmentedComparison.Result compare(TableCheck check, PushDown.Shape shape, SourceSettings sourceSettings, SinkSettings sink,
            int segmentRows, ExpectedRows expected, SourceRows source, RowReader reader, List<SegmentedComparison.Range> ranges)
            throws SQLException, SinkWriteException {
        // bounded: a server that stops answering in the middle of a checksum held the validation, and every later one, for ever
        Properties sourceCredentials = sourceSettings.connectionProperties(CONNECT_TIMEOUT, READ_TIMEOUT);
        ConfigValues options = sink.options();
        Properties targetCredentials = new Properties();
        PushedDown.<String>option(options, "user").ifPresent(u -> targetCredentials.setProperty("user", u));
        PushedDown.<Secret>option(options, "password").ifPresent(p -> targetCredentials.setProperty("password", p.reveal()));
        String url = PushedDown.<String>option(options, "url").orElseThrow(() -> new SQLException("sink " + sink.name() + " has no url"));
        io.ferry.core.config.JdbcTimeouts.bound(targetCredentials, url, CONNECT_TIMEOUT, READ_TIMEOUT);
        try (SqlSide from = SqlSide.open(sourceSettings.jdbcUrl(), sourceCredentials, shape.family(),
                shape.source().namespace(), shape.source().name(), shape.sourceKey(), shape.sourceColumns());
                SqlSide to = SqlSide.open(url, targetCredentials, shape.family(), PushedDown.<String>option(options, "schema").orElse(null),
                        check.table().name(), shape.targetKey(), shape.targetColumns())) {
            SegmentedComparison comparison = new SegmentedComparison(shape, from, to, (sourceRange, targetRange, notes) -> {
                ExpectedRows.Expected want = expected.compute(check, source, new SourceLookup(source), sourceRange);
                notes.add(want.notes());
                TableComparison rows = new TableComparison(check.table(), check.tolerance(), check::tolerance, want.rows());
                reader.read(check.table().name(), targetRange, rows);
                return rows.finish();
            });
            return ranges == null ? comparison.run(segmentRows) : comparison.recheck(ranges);
        }
    }

    /** A sink option by key: the JDBC sinks' own option constants are theirs. */
    @SuppressWarnings("unchecked")
    private static <T> Optional<T> option(ConfigValues values, String key) {
        return values.section().options().stream().filter(o -> o.key().equals(key)).findFirst()
                .flatMap(o -> (Optional<T>) values.find(o));
    }
}
