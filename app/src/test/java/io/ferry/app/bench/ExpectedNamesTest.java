package io.ferry.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExpectedNamesTest {

    /** A target as a map of id to name, counting the ids each look asks for. */
    private static final class MapTarget implements BenchTarget.Reader {
        final Map<Long, String> rows = new HashMap<>();
        final List<Integer> asked = new ArrayList<>();
        final List<Long> firstAsked = new ArrayList<>();
        int perLook = 10_000;

        @Override
        public int idsPerLook() {
            return perLook;
        }

        @Override
        public Map<Long, String> names(Collection<Long> ids) {
            asked.add(ids.size());
            firstAsked.add(ids.iterator().next());
            Map<Long, String> out = new HashMap<>();
            ids.forEach(id -> {
                if (rows.containsKey(id)) {
                    out.put(id, rows.get(id));
                }
            });
            return out;
        }

        /** Ids asked for through {@link #namesLikelyThere}, the rest through {@link #names}. */
        final List<Integer> askedLikelyThere = new ArrayList<>();

        @Override
        public Map<Long, String> namesLikelyThere(Collection<Long> ids) {
            askedLikelyThere.add(ids.size());
            return names(ids);
        }

        @Override
        public void close() {
        }
    }

    @Test
    void onlyALookAfterOneThatFoundEveryRowAsksAsForRowsLikelyThere() throws Exception {
        ExpectedNames expected = ExpectedNames.snapshot(10_000);
        MapTarget target = new MapTarget();
        target.perLook = 2_000;
        for (long id = 1; id <= 4_000; id++) {
            target.rows.put(id, BenchTable.insertedName(id));
        }
        assertThat(expected.seenIn(target)).isFalse(); // 1..2,000: all there
        assertThat(target.askedLikelyThere).as("the first look knows nothing yet").isEmpty();
        assertThat(expected.seenIn(target)).isFalse(); // widened: 2,001..6,000, misses from 4,001 on
        assertThat(target.askedLikelyThere).as("the look after a full one").containsExactly(1000, 1000, 1000, 1000);
        target.askedLikelyThere.clear();
        assertThat(expected.seenIn(target)).isFalse();
        assertThat(target.askedLikelyThere).as("a look after one that missed rows asks one request at a time").isEmpty();
    }

    /** 3,000 inserts (ids 10,001..13,000) and 2,000 updates (rows 1..2,000). */
    private static final LoadGenerator.BacklogRun BACKLOG = new LoadGenerator.BacklogRun(5000, 10_001, 13_000, 2000, 1.0);

    @Test
    void eachLookAsksForEveryRowNotSeenYetOnceAtMostAndForgetsTheRowsItFound() throws Exception {
        ExpectedNames expected = ExpectedNames.of(BACKLOG);
        MapTarget target = new MapTarget();
        for (long id = 10_001; id <= 12_500; id++) {
            target.rows.put(id, BenchTable.insertedName(id));
        }
        assertThat(expected.seenIn(target)).isFalse();
        assertThat(target.asked).as("5,000 rows, in chunks of 1,000").containsExactly(1000, 1000, 1000, 1000, 1000);
        assertThat(expected.remaining()).as("the 500 missing inserts and the 2,000 updates").isEqualTo(500 + 2000);
        assertThat(expected.seen()).isEqualTo(2500);

        target.asked.clear();
        assertThat(expected.seenIn(target)).isFalse();
        assertThat(target.asked).as("only the 2,500 rows not seen before, each once").containsExactly(1000, 1000, 500);
    }

    @Test
    void aLookAsksForTenChunksAtMostAndTheNextGoesOnWhereItStopped() throws Exception {
        ExpectedNames expected = ExpectedNames.snapshot(25_000);
        MapTarget target = new MapTarget();
        for (long id = 1; id <= 12_000; id++) {
            target.rows.put(id, BenchTable.insertedName(id));
        }
        assertThat(expected.seenIn(target)).isFalse();
        assertThat(target.asked).hasSize(10);
        assertThat(expected.seen()).isEqualTo(10_000);
        assertThat(expected.seenIn(target)).as("found all it asked for: this look asks for twice as many").isFalse();
        assertThat(target.asked).hasSize(10 + 15);
        assertThat(expected.seen()).isEqualTo(12_000);
        assertThat(expected.seenIn(target)).as("missed some: back to ten chunks").isFalse();
        assertThat(target.asked).hasSize(10 + 15 + 10);
    }

    @Test
    void looksWidenWhileTheyFindEverythingSoAFastTargetIsSeenWhenItGetsThere() throws Exception {
        ExpectedNames expected = ExpectedNames.snapshot(1_000_000);
        MapTarget target = new MapTarget();
        for (long id = 1; id <= 1_000_000; id++) {
            target.rows.put(id, BenchTable.insertedName(id));
        }
        int looks = 0;
        while (!expected.seenIn(target)) {
            looks++;
        }
        // 10k, 20k, 40k, 80k, 160k, 320k: 630k; then the remaining 370k in the 7th look (at most 320k each: an 8th)
        assertThat(looks + 1).isEqualTo(8);
        assertThat(target.asked.stream().mapToInt(Integer::intValue).sum()).isEqualTo(1_000_000);
    }

    @Test
    void theSnapshotsLooksStartAgainAtTheFirstRowTheyMissedSinceRowsArriveInKeyOrder() throws Exception {
        ExpectedNames expected = ExpectedNames.snapshot(100_000);
        MapTarget target = new MapTarget();
        for (long id = 1; id <= 30_000; id++) {
            target.rows.put(id, BenchTable.insertedName(id));
        }
        assertThat(expected.seenIn(target)).isFalse(); // 10,000 asked, all there
        assertThat(expected.seenIn(target)).isFalse(); // 20,000 asked, all there
        assertThat(expected.seenIn(target)).isFalse(); // 40,000 asked from 30,001: none there
        for (long id = 30_001; id <= 45_000; id++) {
            target.rows.put(id, BenchTable.insertedName(id));
        }
        target.firstAsked.clear();
        assertThat(expected.seenIn(target)).isFalse();
        assertThat(target.firstAsked).as("back at the first row missed, not on at 70,001").startsWith(30_001L);
        assertThat(expected.seen()).isEqualTo(40_000);

        ExpectedNames backlog = ExpectedNames.of(BACKLOG);
        MapTarget other = new MapTarget();
        other.perLook = 2_000;
        for (long id = 10_001; id <= 11_000; id++) {
            other.rows.put(id, BenchTable.insertedName(id));
        }
        assertThat(backlog.seenIn(other)).isFalse(); // 10,001..12,000 asked, 11,001.. missing
        other.firstAsked.clear();
        assertThat(backlog.seenIn(other)).isFalse();
        assertThat(other.firstAsked).as("the backlog's changes come in any order: its looks go on round").startsWith(12_001L);
    }

    @Test
    void passesOnlyOnceEveryInsertAndEveryUpdatedNameArrived() throws Exception {
        ExpectedNames expected = ExpectedNames.of(BACKLOG);
        MapTarget target = new MapTarget();
        for (long id = 10_001; id <= 13_000; id++) {
            target.rows.put(id, BenchTable.insertedName(id));
        }
        for (long id = 1; id <= 2000; id++) {
            target.rows.put(id, id == 1500 ? BenchTable.insertedName(id) : BenchTable.backlogName(id));
        }
        assertThat(expected.seenIn(target)).as("row 1500 still has its old name").isFalse();
        assertThat(expected.remaining()).as("every other row was seen").isEqualTo(1);

        target.rows.put(1500L, BenchTable.backlogName(1500));
        target.asked.clear();
        assertThat(expected.seenIn(target)).isTrue();
        assertThat(target.asked).as("only the rows not seen before").containsExactly(1);
        assertThat(expected.remaining()).isZero();
    }

    @Test
    void theSnapshotExpectsEveryRowWithItsFilledName() throws Exception {
        ExpectedNames expected = ExpectedNames.snapshot(2500);
        MapTarget target = new MapTarget();
        for (long id = 1; id <= 2500; id++) {
            target.rows.put(id, id == 2500 ? "something else" : BenchTable.insertedName(id));
        }
        assertThat(expected.seenIn(target)).isFalse();
        assertThat(expected.seen()).isEqualTo(2499);
        target.rows.put(2500L, BenchTable.insertedName(2500));
        assertThat(expected.seenIn(target)).isTrue();
    }
}
