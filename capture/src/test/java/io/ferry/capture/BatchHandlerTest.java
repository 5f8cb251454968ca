package io.ferry.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.debezium.engine.RecordChangeEvent;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

class BatchHandlerTest {

    private record Change(SourceRecord record) implements RecordChangeEvent<SourceRecord> {
    }

    private static Change change(String partition, long lsn) {
        return new Change(new SourceRecord(Map.of("server", partition), Map.of("lsn", lsn), "t", null, null));
    }

    @Test
    void theCommitterIsToldTheLastRecordOfEachSourcePartitionInBatchOrder() {
        Change a1 = change("app", 1);
        Change b1 = change("other", 2);
        Change a2 = change("app", 3);
        Change a3 = change("app", 4);
        Change b2 = change("other", 5);
        Change a4 = change("app", 6);

        assertThat(BatchHandler.lastOfEachPartition(List.of(a1, b1, a2, a3, b2, a4))).containsExactly(b2, a4);
        assertThat(BatchHandler.lastOfEachPartition(List.of(a1, a2))).containsExactly(a2);
        assertThat(BatchHandler.lastOfEachPartition(List.<Change>of())).isEmpty();
    }

    @Test
    void aBatchEndingWithDebeziumsNotificationsMarksItsLastRecordOfTheLog() {
        Change a1 = change("app", 1);
        Change a2 = change("app", 2);
        Change completed = new Change(new SourceRecord(Map.of("server", "app"), Map.of("lsn", 2L), DebeziumProperties.NOTIFICATIONS, null,
                null));
        Change empty = new Change(new SourceRecord(Map.of(), Map.of(), DebeziumProperties.NOTIFICATIONS, null, null));
        assertThat(BatchHandler.toMark(List.of(a1, a2, completed, empty))).containsExactly(a2);
        assertThat(BatchHandler.toMark(List.of(completed))).isEmpty();
    }

    @Test
    void aSnapshotRecordsOffsetTellsAnInitialSnapshotFromABlockingOne() {
        assertThat(BatchHandler.initialSnapshot(new SourceRecord(Map.of("server", "app"),
                Map.of("lsn", 7L, "snapshot", "INITIAL", "last_snapshot_record", false), "t", null, null))).isTrue();
        assertThat(BatchHandler.initialSnapshot(new SourceRecord(Map.of("server", "app"),
                Map.of("lsn", 7L, "snapshot", "BLOCKING"), "t", null, null))).isFalse();
        // an offset that does not say (streaming, or an older Debezium's boolean): the handler falls back on what it saw
        assertThat(BatchHandler.initialSnapshot(new SourceRecord(Map.of("server", "app"),
                Map.of("lsn", 7L, "snapshot", true), "t", null, null))).isNull();
        assertThat(BatchHandler.initialSnapshot(change("app", 7).record())).isNull();
    }

    @Test
    void aSnapshotAttemptIsKnownByTheLogPositionItReadsAsOf() {
        assertThat(BatchHandler.snapshotPosition(new SourceRecord(Map.of("server", "app"),
                Map.of("lsn", 7L, "txId", 3L, "ts_usec", 11L, "snapshot", "INITIAL"), "t", null, null))).isEqualTo("lsn 7");
        assertThat(BatchHandler.snapshotPosition(new SourceRecord(Map.of("server", "app"),
                Map.of("file", "bin.000002", "pos", 154L, "snapshot", "INITIAL"), "t", null, null)))
                .isEqualTo("binlog bin.000002:154:null");
        assertThat(BatchHandler.snapshotPosition(new SourceRecord(Map.of("server", "app"), Map.of("snapshot", "INITIAL"), "t", null, null)))
                .isNull();
    }
}
