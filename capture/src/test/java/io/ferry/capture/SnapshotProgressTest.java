package io.ferry.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.event.TableId;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How snapshot progress follows incremental snapshots through the tables Debezium's offsets list. */
class SnapshotProgressTest {

    private static final TableId A = TableId.parse("public.a");
    private static final TableId B = TableId.parse("public.b");

    private static SnapshotProgress.TableProgress of(SnapshotProgress p, TableId t) {
        return p.tables().stream().filter(x -> x.table().equals(t)).findFirst().orElseThrow();
    }

    @Test
    void anAskedTableIsDoneOnlyOnceDebeziumListedItAndNoLongerDoes() {
        SnapshotProgress p = new SnapshotProgress("p", null);
        p.rowRead(A);
        p.finishAll();
        assertThat(of(p, A).done()).as("the initial snapshot").isTrue();

        assertThat(of(p, A).reading()).isFalse();
        p.restart(A, 100);
        assertThat(of(p, A)).satisfies(t -> {
            assertThat(t.done()).isFalse();
            assertThat(t.rowsDone()).isZero();
            assertThat(t.reading()).as("asked for: the targets are being repaired before its first row").isTrue();
        });
        // another table's snapshot ends before Debezium took A's signal: A is not done for that
        p.incrementalRunning(Set.of(TableId.parse("public.other")));
        p.incrementalRunning(Set.<TableId>of());
        assertThat(of(p, A).done()).isFalse();

        p.incrementalRunning(Set.of(A));
        p.rowRead(A);
        p.rowRead(A);
        p.finishAll(); // streaming goes on meanwhile: not the end of an incremental snapshot
        assertThat(of(p, A)).satisfies(t -> {
            assertThat(t.done()).isFalse();
            assertThat(t.rowsDone()).isEqualTo(2);
        });
        p.incrementalRunning(Set.<TableId>of());
        assertThat(of(p, A).done()).isTrue();
        assertThat(of(p, A).reading()).isFalse();
    }

    @Test
    void aTableListedBeforeItsFirstRowIsReadingAndAnEmptyTableNeverReadIsNot() {
        SnapshotProgress p = new SnapshotProgress("p", null);
        p.estimate(B, 0); // a table the initial snapshot found empty: never read, never done
        assertThat(of(p, B).reading()).isFalse();
        p.incrementalRunning(Set.of(A, B)); // a resumed re-snapshot lists both, A read first
        p.rowRead(A);
        assertThat(of(p, B)).satisfies(t -> {
            assertThat(t.rowsDone()).isZero();
            assertThat(t.reading()).as("listed, its turn not come yet").isTrue();
        });
    }

    @Test
    void aSnapshotDebeziumResumesAfterARestartIsFollowedThoughNobodyAskedThisProcess() {
        SnapshotProgress p = new SnapshotProgress("p", null);
        p.incrementalRunning(Set.of(B)); // (a catalog in front of Debezium's id: IncrementalRunsTest)
        p.rowRead(B);
        p.finishAll();
        assertThat(of(p, B)).satisfies(t -> {
            assertThat(t.done()).isFalse();
            assertThat(t.rowsDone()).isEqualTo(1);
        });
        p.incrementalRunning(Set.<TableId>of());
        assertThat(of(p, B).done()).isTrue();
    }
}
