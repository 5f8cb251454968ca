package io.ferry.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.event.Marker;
import io.ferry.core.event.TableId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class IncrementalRunsTest {

    private static final TableId USERS = TableId.parse("public.users");
    private static final TableId ORDERS = TableId.parse("public.orders");
    private static final TableId COPIED = TableId.parse("public.copied");

    private final AtomicLong ids = new AtomicLong(100);
    private final IncrementalRuns runs = new IncrementalRuns("p", t -> !t.equals(COPIED), ids::incrementAndGet);

    private static IncrementalRuns.Listing listing(String correlation, TableId... tables) {
        return new IncrementalRuns.Listing(java.util.Arrays.stream(tables).map(t -> new IncrementalRuns.Listed(t, false)).toList(),
                correlation);
    }

    /** The handler's first record of the log lists nothing (a snapshot asked at a launch: its signal's BEGIN comes first). */
    private IncrementalRuns afterFirst() {
        assertThat(runs.listed(IncrementalRuns.Listing.NONE)).isEmpty();
        return runs;
    }

    private static IncrementalRuns.Bound start(TableId t, long run) {
        return new IncrementalRuns.Bound(t, run, Marker.Kind.SNAPSHOT_START);
    }

    private static IncrementalRuns.Bound end(TableId t, long run) {
        return new IncrementalRuns.Bound(t, run, Marker.Kind.SNAPSHOT_END);
    }

    @Test
    void aTableReadToItsEndIsOneRunFromTheFirstOffsetThatListsItToTheFirstThatDoesNot() {
        assertThat(afterFirst().listed(listing("s1", USERS, ORDERS))).containsExactly(start(USERS, 101), start(ORDERS, 102));
        assertThat(runs.listed(listing("s1", USERS, ORDERS))).as("the chunks move on").isEmpty();
        runs.scanCompleted(USERS, "SUCCEEDED");
        assertThat(runs.listed(listing("s1", ORDERS))).containsExactly(end(USERS, 101));
        runs.scanCompleted(ORDERS, "EMPTY");
        assertThat(runs.listed(IncrementalRuns.Listing.NONE)).as("an empty table was read to its end too")
                .containsExactly(end(ORDERS, 102));
        assertThat(runs.listed(listing("s2", USERS))).as("a new signal is a new run").containsExactly(start(USERS, 103));
    }

    @Test
    void aTableSkippedOrStoppedGetsNoEnd() {
        afterFirst().listed(listing("s1", USERS, ORDERS));
        runs.scanCompleted(USERS, "SQL_EXCEPTION");
        assertThat(runs.listed(listing("s1", ORDERS))).as("skipped after an SQL error").isEmpty();
        assertThat(runs.listed(IncrementalRuns.Listing.NONE)).as("stopped: no scan completed").isEmpty();
    }

    @Test
    void aNotificationForAnotherTableDoesNotEndThisOne() {
        afterFirst().listed(listing("s1", USERS, ORDERS));
        runs.scanCompleted(ORDERS, "SUCCEEDED");
        assertThat(runs.listed(listing("s1", ORDERS))).isEmpty();
    }

    @Test
    void aSnapshotListedByTheFirstRecordWasResumedItsHeadIsNotBoundedButTheTablesAfterItAre() {
        assertThat(runs.listed(listing("s1", USERS, ORDERS))).containsExactly(start(ORDERS, 101));
        runs.scanCompleted(USERS, "SUCCEEDED");
        assertThat(runs.listed(listing("s1", ORDERS))).isEmpty();
        runs.scanCompleted(ORDERS, "SUCCEEDED");
        assertThat(runs.listed(IncrementalRuns.Listing.NONE)).containsExactly(end(ORDERS, 101));
    }

    @Test
    void aResumedHeadIsOnlyJudgedOnTheFirstRecord() {
        assertThat(afterFirst().listed(listing("s1", USERS))).as("asked after the first record").containsExactly(start(USERS, 101));
    }

    @Test
    void aTableTruncatedWhileItIsReadGetsNoEnd() {
        afterFirst().listed(listing("s1", USERS, ORDERS));
        runs.truncated(USERS);
        runs.truncated(TableId.parse("public.other")); // not read: nothing to do
        runs.scanCompleted(USERS, "SUCCEEDED");
        runs.scanCompleted(ORDERS, "SUCCEEDED");
        assertThat(runs.listed(IncrementalRuns.Listing.NONE)).as("the truncate's run swept users").containsExactly(end(ORDERS, 102));
        assertThat(runs.listed(listing("s2", USERS))).as("a later read of it is bounded again").containsExactly(start(USERS, 103));
    }

    @Test
    void theSameSignalReadAgainFromOlderOffsetsIsTheSameRun() {
        afterFirst().listed(listing("s1", USERS));
        runs.listed(listing("s2", USERS, ORDERS)); // a second signal while users is read
        runs.scanCompleted(USERS, "SUCCEEDED");
        assertThat(runs.listed(listing("s2", ORDERS))).containsExactly(end(USERS, 101));
        // Debezium's task restarted and went back to offsets from before users' end, under the first signal's id
        assertThat(runs.listed(listing("s1", USERS))).as("no new start").isEmpty();
        runs.scanCompleted(USERS, "SUCCEEDED");
        assertThat(runs.listed(IncrementalRuns.Listing.NONE)).as("the same run's end again (transform swept it once)")
                .containsExactly(end(USERS, 101));
    }

    @Test
    void aReadOfAnEarlierSignalComingBackIsNeverBounded() {
        afterFirst().listed(listing("c1", USERS));
        runs.scanCompleted(USERS, "SUCCEEDED");
        assertThat(runs.listed(IncrementalRuns.Listing.NONE)).containsExactly(end(USERS, 101));
        assertThat(runs.listed(listing("c2", USERS))).as("asked again").containsExactly(start(USERS, 102));
        // Debezium's task went back to offsets from c1's read, in the middle of the table: c2's run is no longer whole
        assertThat(runs.listed(listing("c1", USERS))).isEmpty();
        runs.scanCompleted(USERS, "SUCCEEDED");
        assertThat(runs.listed(IncrementalRuns.Listing.NONE)).as("no end: it would sweep rows only c1's run read").isEmpty();
        // and when c2's run was over before the offsets went back
        assertThat(runs.listed(listing("c3", USERS))).containsExactly(start(USERS, 103));
        runs.scanCompleted(USERS, "SUCCEEDED");
        assertThat(runs.listed(IncrementalRuns.Listing.NONE)).containsExactly(end(USERS, 103));
        assertThat(runs.listed(listing("c1", USERS))).as("no new run for c1's read").isEmpty();
        runs.scanCompleted(USERS, "SUCCEEDED");
        assertThat(runs.listed(IncrementalRuns.Listing.NONE)).isEmpty();
    }

    @Test
    void aFilteredReadOrATableTheSinksCopyIsNotBounded() {
        var filtered = new IncrementalRuns.Listing(List.of(new IncrementalRuns.Listed(USERS, true), new IncrementalRuns.Listed(COPIED, false)),
                "s1");
        assertThat(afterFirst().listed(filtered)).isEmpty();
        runs.scanCompleted(USERS, "SUCCEEDED");
        runs.scanCompleted(COPIED, "SUCCEEDED");
        assertThat(runs.listed(IncrementalRuns.Listing.NONE)).isEmpty();
    }

    @Test
    void theOffsetsOfARunningSnapshotAreRead() {
        Map<String, Object> offset = new HashMap<>();
        offset.put("lsn", 42L);
        assertThat(IncrementalRuns.listing(offset, id -> IncrementalRuns.tableOf(id, Set.of()))).isEqualTo(IncrementalRuns.Listing.NONE);
        offset.put(IncrementalRuns.COLLECTIONS, "[{\"incremental_snapshot_collections_id\":\"public.users\","
                + "\"incremental_snapshot_collections_additional_condition\":null,\"incremental_snapshot_collections_surrogate_key\":null},"
                + "{\"incremental_snapshot_collections_id\":\"db.orders\","
                + "\"incremental_snapshot_collections_additional_condition\":\"id > 10\"}]");
        offset.put(IncrementalRuns.CORRELATION, "c-1");
        assertThat(IncrementalRuns.listing(offset, id -> IncrementalRuns.tableOf(id, Set.of(USERS)))).isEqualTo(new IncrementalRuns.Listing(
                List.of(new IncrementalRuns.Listed(USERS, false), new IncrementalRuns.Listed(TableId.parse("db.orders"), true)), "c-1"));
        offset.put(IncrementalRuns.COLLECTIONS, "not json [");
        assertThat(IncrementalRuns.listing(offset, id -> IncrementalRuns.tableOf(id, Set.of()))).as("unreadable: nothing concluded").isNull();
    }

    @Test
    void aCollectionIdWithACatalogNamesTheKnownTable() {
        assertThat(IncrementalRuns.tableOf("mydb.public.users", Set.of(USERS))).isEqualTo(USERS);
        assertThat(IncrementalRuns.tableOf("shop.items", Set.of(USERS))).isEqualTo(TableId.parse("shop.items"));
        assertThat(IncrementalRuns.tableOf("items", Set.of())).isNull();
    }
}
