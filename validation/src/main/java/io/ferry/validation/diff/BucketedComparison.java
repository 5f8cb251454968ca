package io.ferry.validation.diff;

import io.ferry.core.event.Row;
import io.ferry.core.spi.KeyRange;
import io.ferry.core.spi.RowReader;
import io.ferry.core.spi.SinkWriteException;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares one table row by row in bounded memory. The source rows stream through the mapping; while they number at
 * most the row cap they are held and the target is compared with them in one pass, as a whole table always was. Past the
 * cap they are only summed into {@link Buckets} by their normalized target key ({@link RowHash}), the target's rows are
 * summed the same way, and only the buckets whose counts or sums differ are compared exactly with
 * {@link TableComparison}, in groups of at most the cap's expected rows, each group streaming both sides again and
 * keeping the rows of its buckets. The sums only decide where to look: every difference reported comes from the exact
 * comparison, and counts are exact (buckets that match add their counts). Not thread-safe.
 */
final class BucketedComparison {

    private static final Logger log = LoggerFactory.getLogger(BucketedComparison.class);

    /** Expected rows held at once: a table that maps to no more is compared in one pass, holding them all. */
    static final int ROW_CAP = 200_000;

    /** Why a table could not be compared, in words for its detail ("cannot read the source: ..."). */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;

        Failure(String detail, Throwable cause) {
            super(detail, cause);
        }
    }

    /** What the comparison found, and how it went, for the table's detail (empty when compared in one pass, unremarkably). */
    record Result(TableComparison.Outcome outcome, String notes) {
    }

    private final TableCheck check;
    private final ExpectedRows expected;
    private final SourceRows source;
    private final RowReader target;
    private final int rowCap;
    private final int bucketBits;
    private final RowHash hash;

    /**
     * @param rowCap the most expected rows held at once ({@link #ROW_CAP}; tests make it small)
     * @param bucketBits 2^bucketBits buckets ({@link Buckets#DEFAULT_BITS})
     */
    BucketedComparison(TableCheck check, ExpectedRows expected, SourceRows source, RowReader target, int rowCap, int bucketBits) {
        this.check = check;
        this.expected = expected;
        this.source = source;
        this.target = target;
        this.rowCap = rowCap;
        this.bucketBits = bucketBits;
        this.hash = new RowHash(check.table(), check::tolerance);
    }

    Result run() throws Failure {
        Buckets buckets = new Buckets(bucketBits);
        SourcePass pass = new SourcePass(buckets);
        // the related rows are read afresh for each read of the root rows (the first pass, each group of buckets), as close
        // to it as the source allows
        ExpectedRows.Unmapped unmapped = fromSource(() -> expected.stream(check, source, new SourceLookup(source), KeyRange.ALL, pass));
        if (pass.held != null) {
            TableComparison whole = new TableComparison(check.table(), check.tolerance(), check::tolerance, pass.held);
            fromTarget(whole);
            return new Result(whole.finish().withUnmappable(unmapped.rows()), ExpectedRows.notes(unmapped.rows(), pass.collisions,
                    unmapped.first()));
        }
        fromTarget(row -> {
            Row key = TargetValues.key(check.table(), row, check.tolerance());
            buckets.addTarget(buckets.of(hash.key(key)), hash.row(key, row));
        });
        BitSet differing = buckets.differing();
        long sourceRows = buckets.sourceRows(differing);
        long targetRows = buckets.targetRows(differing);
        Map<Row, RowDiff> diffs = new HashMap<>();
        long collisions = 0;
        List<BitSet> groups = buckets.groups(differing, rowCap);
        for (BitSet group : groups) {
            ExpectedRows.Expected want = fromSource(() -> expected.compute(check, source, new SourceLookup(source), KeyRange.ALL,
                    key -> group.get(buckets.of(hash.key(key)))));
            TableComparison exact = new TableComparison(check.table(), check.tolerance(), check::tolerance, want.rows());
            fromTarget(row -> {
                Row key = TargetValues.key(check.table(), row, check.tolerance());
                if (group.get(buckets.of(hash.key(key)))) {
                    exact.accept(key, row);
                }
            });
            TableComparison.Outcome o = exact.finish();
            sourceRows += o.sourceRows();
            targetRows += o.targetRows();
            diffs.putAll(o.diffs());
            collisions += want.collisions();
        }
        String how = "hashed in " + buckets.size() + " buckets, " + (differing.isEmpty() ? "all matching"
                : differing.cardinality() + " differing compared row by row" + (groups.size() > 1 ? " in " + groups.size() + " groups" : ""));
        String notes = ExpectedRows.notes(unmapped.rows(), collisions, unmapped.first());
        log.debug("{}/{}: {}", check.sink(), check.table().name(), how);
        return new Result(new TableComparison.Outcome(sourceRows, targetRows, diffs, unmapped.rows()), notes.isEmpty() ? how
                : how + "; " + notes);
    }

    /**
     * The first pass over the source: holds the mapped rows while they number at most the cap, then only sums them; a
     * target key that comes twice (a collision) marks its bucket to be compared exactly.
     */
    private final class SourcePass implements BiConsumer<Row, Row> {

        private final Buckets buckets;
        private Map<Row, Row> held = new HashMap<>();
        private long collisions;

        SourcePass(Buckets buckets) {
            this.buckets = buckets;
        }

        @Override
        public void accept(Row key, Row row) {
            if (held == null) {
                buckets.addSource(buckets.of(hash.key(key)), hash.row(key, row));
                return;
            }
            if (held.put(key, row) != null) {
                collisions++;
                // the row that lost is gone from the map: once the map is dropped, the sums could not show it
                buckets.force(buckets.of(hash.key(key)));
            }
            if (held.size() > rowCap) {
                held.forEach((k, r) -> buckets.addSource(buckets.of(hash.key(k)), hash.row(k, r)));
                held = null;
                // forced buckets are compared exactly, and their collisions counted there
                collisions = 0;
            }
        }
    }

    /** A read of the source through the mapping. */
    private interface SourceRead<T> {
        T get() throws SinkWriteException;
    }

    private <T> T fromSource(SourceRead<T> read) throws Failure {
        try {
            return read.get();
        } catch (SinkWriteException | SourceLookup.SourceUnavailable | IllegalStateException e) {
            throw new Failure("cannot read the source: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            log.error("mapping the source rows of {}/{} failed", check.sink(), check.table().name(), e);
            throw new Failure("mapping the source rows failed: " + e, e);
        }
    }

    private void fromTarget(Consumer<Row> rows) throws Failure {
        try {
            target.read(check.table().name(), KeyRange.ALL, rows);
        } catch (SinkWriteException e) {
            throw new Failure("cannot read the target: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            log.error("reading {}/{} back failed", check.sink(), check.table().name(), e);
            throw new Failure("cannot read the target: " + e, e);
        }
    }
}
