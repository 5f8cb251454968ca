package io.ferry.transform.topology;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.ferry.core.event.Row;
import io.ferry.core.event.TableId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/** The bookkeeping of snapshot runs behind a funnel (several inputs per table) and the slices of a sweep. */
class SnapshotRunsTest {

    private static final TableId T = TableId.parse("public.t");
    private static final List<String> INPUTS = List.of("t:0", "t:1");

    private static KeyValueStore<Bytes, byte[]> store(String name) {
        KeyValueStore<Bytes, byte[]> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.Bytes(),
                Serdes.ByteArray()).withLoggingDisabled().build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        return store;
    }

    @Test
    void aRunEndsOnceEveryInputEndedItAndALateEndOfAnOlderRunSweepsNothing() {
        KeyValueStore<Bytes, byte[]> markers = store("markers");
        SnapshotRuns runs = new SnapshotRuns(markers);
        runs.started("t:0", 1);
        runs.started("t:1", 1);
        assertThat(runs.ended("t:0", T, 1, INPUTS)).as("t:1 is still in run 1").isFalse();
        // capture died right after writing run 1's end everywhere and snapshots again; behind the funnel t:0 is read
        // ahead: run 2's start (and rows) pass before t:1's end of run 1 arrives
        runs.started("t:0", 2);
        assertThat(runs.runOf("t:0")).isEqualTo(2);
        assertThat(runs.ended("t:1", T, 1, INPUTS)).as("t:0 is in run 2 already: run 1's late end must not sweep").isFalse();
        assertThat(runs.ended("t:0", T, 2, INPUTS)).isFalse();
        runs.started("t:1", 2);
        assertThat(runs.ended("t:1", T, 2, INPUTS)).isTrue();

        runs.beginSweep(T, 2, 10, 20);
        assertThat(runs.ended("t:1", T, 2, INPUTS)).as("a second copy of the end while its sweep is under way").isFalse();
        assertThat(runs.sweeps()).singleElement().satisfies(s -> {
            assertThat(s.run()).isEqualTo(2);
            assertThat(s.after()).isEmpty();
            assertThat(s.stampUs()).isEqualTo(20);
        });
        runs.saveSweep(new SnapshotRuns.Sweep(T, 2, new byte[] {7, 8}, 10, 20, 5));
        assertThat(new SnapshotRuns(markers).sweeps()).as("as a restarted task finds it").singleElement()
                .satisfies(s -> assertThat(s.after()).containsExactly(7, 8)).satisfies(s -> assertThat(s.removed()).isEqualTo(5));
        runs.swept(T, 2);
        assertThat(runs.sweeps()).isEmpty();
        assertThat(runs.ended("t:1", T, 2, INPUTS)).as("swept already").isFalse();
    }

    @Test
    void theEndOfAnOlderRunAfterANewerRunEndedEverywhereIsLateAndKeepsTheInputsInTheNewerRun() {
        SnapshotRuns runs = new SnapshotRuns(store("late"));
        // an incremental snapshot's run 1 starts; a TRUNCATE is run 2, which starts and ends everywhere and is swept
        runs.started("t:0", 1);
        runs.started("t:1", 1);
        runs.started("t:0", 2);
        runs.started("t:1", 2);
        assertThat(runs.ended("t:0", T, 2, INPUTS)).isFalse();
        assertThat(runs.ended("t:1", T, 2, INPUTS)).isTrue();
        runs.swept(T, 2);
        // the incremental snapshot reads on (its rows are run 2's) and ends run 1
        assertThat(runs.ended("t:0", T, 1, INPUTS)).isFalse();
        assertThat(runs.ended("t:1", T, 1, INPUTS)).as("no sweep of the rows written since the truncate").isFalse();
        assertThat(runs.runOf("t:0")).as("rows still belong to the newer run").isEqualTo(2);
        assertThat(runs.runOf("t:1")).isEqualTo(2);
    }

    @Test
    void anEndOfARunTheInputsNeverSawIsANewRunEvenWithASmallerId() {
        SnapshotRuns runs = new SnapshotRuns(store("skew"));
        // a capture on a host whose clock is ahead starts run 5000 and dies in the middle of the table's snapshot
        runs.started("t:0", 5000);
        runs.started("t:1", 5000);
        // the capture that takes over, on a host whose clock is behind, finds the table empty: its run 4000 has an end only
        assertThat(runs.ended("t:0", T, 4000, INPUTS)).isFalse();
        assertThat(runs.ended("t:1", T, 4000, INPUTS)).as("the rows run 5000 read are leftovers: swept").isTrue();
        assertThat(runs.runOf("t:0")).isEqualTo(4000);
        // and a late end of run 5000, which both inputs left, stays late although its id is larger
        assertThat(runs.ended("t:0", T, 5000, INPUTS)).isFalse();
        assertThat(runs.ended("t:1", T, 5000, INPUTS)).isFalse();
        assertThat(runs.runOf("t:1")).isEqualTo(4000);
    }

    /** State an earlier build kept (the input's run, no list): a late end of an older run stays late, as it was then. */
    @Test
    void stateFromBeforeTheListKeepsTheOldRuleForTheRunsBeforeIt() {
        KeyValueStore<Bytes, byte[]> markers = store("legacy");
        markers.put(Bytes.wrap("\u0000snapshot-run\u0000t:0".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                java.nio.ByteBuffer.allocate(8).putLong(9).array());
        SnapshotRuns runs = new SnapshotRuns(markers);
        assertThat(runs.runOf("t:0")).isEqualTo(9);
        assertThat(runs.ended("t:0", T, 5, List.of("t:0"))).as("run 5 came before run 9").isFalse();
        assertThat(runs.runOf("t:0")).isEqualTo(9);
        // a new run after the upgrade is listed; an older one still is not taken for new
        runs.started("t:0", 12);
        assertThat(runs.ended("t:0", T, 7, List.of("t:0"))).isFalse();
        assertThat(runs.ended("t:0", T, 9, List.of("t:0"))).as("the run before the upgrade, seen").isFalse();
        assertThat(runs.ended("t:0", T, 12, List.of("t:0"))).isTrue();
    }

    @Test
    void anInputRemembersItsLastRunsOnly() {
        KeyValueStore<Bytes, byte[]> markers = store("many");
        SnapshotRuns runs = new SnapshotRuns(markers);
        for (long run = 1; run <= SnapshotRuns.SEEN + 1; run++) {
            runs.started("t:0", run);
        }
        SnapshotRuns again = new SnapshotRuns(markers);
        assertThat(again.ended("t:0", T, 2, List.of("t:0"))).as("run 2 is remembered, so its end is late").isFalse();
        assertThat(again.runOf("t:0")).isEqualTo(SnapshotRuns.SEEN + 1);
        assertThat(again.ended("t:0", T, 1, List.of("t:0"))).as("run 1 is forgotten: taken for a new run").isTrue();
    }

    @Test
    void leftoversArePossibleOnlyOnceRowsOfAnotherRunWereWritten() {
        KeyValueStore<Bytes, byte[]> markers = store("markers");
        SnapshotRuns runs = new SnapshotRuns(markers);
        assertThat(runs.mayHoldLeftovers(T, 1, () -> true)).as("state from before the record: asked directly").isTrue();
        runs.wrote(T, 1, () -> false);
        runs.wrote(T, 1, () -> false);
        assertThat(runs.mayHoldLeftovers(T, 1, () -> true)).as("a first snapshot: every row is run 1's").isFalse();
        assertThat(runs.mayHoldLeftovers(T, 2, () -> true)).as("run 2 wrote nothing of the table").isTrue();
        runs.wrote(T, 2, () -> true);
        assertThat(runs.mayHoldLeftovers(T, 2, () -> false)).as("run 1's rows and run 2's").isTrue();
        runs.swept(T, 2);
        assertThat(runs.mayHoldLeftovers(T, 2, () -> true)).isFalse();
        // the kept state survives a restart of the task
        SnapshotRuns again = new SnapshotRuns(markers);
        assertThat(again.mayHoldLeftovers(T, 2, () -> true)).isFalse();
    }

    @Test
    void aSweepLooksAtSlicesOfTheTableInKeyOrder() {
        GroupState state = new GroupState(store("rows"), store("index"), Map.of());
        TableId other = TableId.parse("public.t2");
        for (int i = 1; i <= 7; i++) {
            state.put(T, key(i), null, key(i), i % 2 == 0 ? 2 : 1);
        }
        state.put(other, key(1), null, key(1), 1);
        List<Long> leftovers = new ArrayList<>();
        byte[] after = new byte[0];
        int slices = 0;
        while (after != null) {
            GroupState.Slice slice = state.rowsNotIn(T, 2, after, 3);
            slice.leftovers().forEach(e -> leftovers.add(e.key().get("id").asLong()));
            after = slice.last();
            slices++;
        }
        assertThat(leftovers).as("run 1's rows of the table, none of the other table").containsExactly(1L, 3L, 5L, 7L);
        assertThat(slices).isEqualTo(3);
        assertThat(state.storedRun(T, key(4))).isEqualTo(2);
        assertThat(state.get(T, key(4))).as("a tagged row reads back as it was").isEqualTo(key(4));
    }

    private static Row key(int id) {
        return Row.of(Map.of("id", JsonNodeFactory.instance.numberNode(id)));
    }
}
