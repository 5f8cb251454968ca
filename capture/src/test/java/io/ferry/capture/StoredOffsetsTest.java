package io.ferry.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.core.config.Secret;
import io.ferry.core.config.SourceSettings;
import java.time.Duration;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What capture's stored offsets say about its initial snapshot, read through Debezium's own loader, for offsets of the
 * shapes Debezium 3.5's connectors store (keys as its offset context writes them; numbers as the offset
 * store's JSON converter reads them back, longs). {@code BulkCopyRestartIT} reads the real ones.
 */
class StoredOffsetsTest {

    private static SourceSettings source(String type) {
        return new SourceSettings(type, "db", 5432, "shop", "ferry", Optional.of(new Secret("pw")), List.of("public.users"),
                ZoneId.of("UTC"), false, "initial", "ferry_shop", "ferry_shop", 5400, Duration.ofSeconds(5), "ferry");
    }

    private static Map<String, Object> snapshotRecord(boolean last) {
        Map<String, Object> offset = new HashMap<>(Map.of("lsn", 24_000_000L, "txId", 750L, "ts_usec", 1_795_000_000_000_000L));
        offset.put("snapshot", "INITIAL");
        offset.put("last_snapshot_record", last);
        offset.put("snapshot_completed", false);
        return offset;
    }

    @Test
    void aSnapshotStillRunningIsNotDone() {
        assertThat(StoredOffsets.initialSnapshotDone("shop", source("postgres"), snapshotRecord(false))).isFalse();
    }

    @Test
    void theSnapshotsLastRecordOrAnyStreamedChangeIsDone() {
        assertThat(StoredOffsets.initialSnapshotDone("shop", source("postgres"), snapshotRecord(true))).isTrue();
        Map<String, Object> streamed = Map.of("lsn", 24_100_000L, "lsn_proc", 24_100_000L, "lsn_commit", 24_090_000L, "txId", 760L,
                "ts_usec", 1_795_000_000_500_000L, "messageType", "INSERT");
        assertThat(StoredOffsets.initialSnapshotDone("shop", source("postgres"), streamed)).isTrue();
    }

    @Test
    void binlogOffsetsSayWhetherTheInitialSnapshotIsDone() {
        // Debezium 3.5's binlog connectors write no snapshot_completed: a snapshot record carries snapshot INITIAL, a
        // streamed change none
        Map<String, Object> snapshot = new HashMap<>(Map.of("file", "mysql-bin.000003", "pos", 1_234L, "ts_sec", 1_795_000_000L));
        snapshot.put("snapshot", "INITIAL");
        Map<String, Object> streamed = Map.of("file", "mysql-bin.000003", "pos", 2_345L, "ts_sec", 1_795_000_010L,
                "gtids", "0-1-42", "row", 1L, "event", 2L, "server_id", 1L);
        for (String type : new String[] {"mariadb", "mysql"}) {
            assertThat(StoredOffsets.initialSnapshotDone("shop", source(type), snapshot)).as(type + " snapshot").isFalse();
            assertThat(StoredOffsets.initialSnapshotDone("shop", source(type), streamed)).as(type + " streamed").isTrue();
        }
    }

    @Test
    void anInitialSnapshotIsAheadWithoutOffsetsOrWithAnUnfinishedOne() {
        assertThat(StoredOffsets.initialSnapshotAhead("shop", source("postgres"), Optional.empty())).isTrue();
        assertThat(StoredOffsets.initialSnapshotAhead("shop", source("postgres"), Optional.of(snapshotRecord(false)))).isTrue();
        assertThat(StoredOffsets.initialSnapshotAhead("shop", source("postgres"), Optional.of(snapshotRecord(true)))).isFalse();
    }

    @Test
    void anUnknownSourceTypeIsRefused() {
        assertThatThrownBy(() -> StoredOffsets.initialSnapshotDone("shop", source("oracle"), snapshotRecord(true)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("oracle");
    }

    @Test
    void offsetsAreReadBackAsTheOffsetStoreWroteThem() {
        // as Kafka Connect's offset writer encodes them: key [engine, partition], value the offset map
        var json = StoredOffsets.converter();
        String topic = "ferry.shop.capture-offsets";
        byte[] key = json.fromConnectData(topic, null, List.of("ferry-shop", Map.of("server", "shop")));
        byte[] otherKey = json.fromConnectData(topic, null, List.of("ferry-other", Map.of("server", "other")));
        assertThat(StoredOffsets.ours(json, topic, "ferry-shop", key)).isTrue();
        assertThat(StoredOffsets.ours(json, topic, "ferry-shop", otherKey)).isFalse();
        assertThat(StoredOffsets.ours(json, topic, "ferry-shop", null)).isFalse();
        for (boolean last : new boolean[] {false, true}) {
            Map<String, ?> read = StoredOffsets.offset(json, topic, json.fromConnectData(topic, null, snapshotRecord(last)));
            assertThat(StoredOffsets.initialSnapshotDone("shop", source("postgres"), read)).as("last snapshot record: " + last)
                    .isEqualTo(last);
        }
        assertThat(StoredOffsets.offset(json, topic, null)).as("a tombstone").isNull();
    }
}
