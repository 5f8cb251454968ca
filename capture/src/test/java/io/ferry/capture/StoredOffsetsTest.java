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
 * shapes Debezium 3.5's PostgreSQL connector stores (keys as its offset context writes them; numbers as the offset
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
    void onlyPostgresOffsetsAreRead() {
        assertThatThrownBy(() -> StoredOffsets.initialSnapshotDone("shop", source("mariadb"), snapshotRecord(true)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mariadb");
    }
}
