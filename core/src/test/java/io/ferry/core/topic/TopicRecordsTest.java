package io.ferry.core.topic;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.event.Marker;
import io.ferry.core.event.SourceInfo;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TopicRecordsTest {

    @Test
    void deadLetterKeepsTheOriginalRecordAndTheReason() {
        DeadLetter jsonOrigin = new DeadLetter("shop", DeadLetter.Stage.SINK, "pg-main", "value out of range",
                "ERROR: numeric field overflow", Instant.parse("2026-11-21T10:00:00Z"), "ferry.shop.target.pg-main.orders", 2, 1234,
                "{\"order_id\":7}".getBytes(StandardCharsets.UTF_8), "{\"op\":\"upsert\"}".getBytes(StandardCharsets.UTF_8));
        byte[] value = TopicRecords.deadLetterValue(jsonOrigin);
        String text = new String(value, StandardCharsets.UTF_8);
        assertThat(text).contains("\"reason\":\"value out of range\"").contains("\"key\":{\"order_id\":7}")
                .contains("\"origin\":{\"topic\":\"ferry.shop.target.pg-main.orders\",\"partition\":2,\"offset\":1234}");
        assertThat(TopicRecords.deadLetter(value)).isEqualTo(jsonOrigin);

        DeadLetter binaryOrigin = new DeadLetter("shop", DeadLetter.Stage.TRANSFORM, "users", "not a change event", null,
                Instant.EPOCH, "t", 0, 0, null, new byte[] {(byte) 0xff, 0, 1});
        byte[] binary = TopicRecords.deadLetterValue(binaryOrigin);
        assertThat(new String(binary, StandardCharsets.UTF_8)).contains("\"valueBase64\":\"/wAB\"").contains("\"key\":null");
        assertThat(TopicRecords.deadLetter(binary)).isEqualTo(binaryOrigin);
    }

    @Test
    void aLetterOverTheRecordLimitLeavesTheValueInItsOriginTopic() {
        String big = "{\"after\":{\"body\":\"" + "x".repeat(TopicSpec.MAX_RECORD_BYTES) + "\"}}";
        DeadLetter letter = new DeadLetter("shop", DeadLetter.Stage.TRANSFORM, "docs", "target record too large for 'docs'",
                "e".repeat(100_000), Instant.EPOCH, "ferry.shop.change.public.docs", 1, 77, "{\"id\":1}".getBytes(StandardCharsets.UTF_8),
                big.getBytes(StandardCharsets.UTF_8));
        byte[] value = TopicRecords.deadLetterValue(letter);
        assertThat(value.length).isLessThan(TopicSpec.MAX_RECORD_BYTES);
        String text = new String(value, StandardCharsets.UTF_8);
        assertThat(text).contains("\"valueOmitted\":" + big.length()).contains("\"key\":{\"id\":1}")
                .contains("\"origin\":{\"topic\":\"ferry.shop.change.public.docs\",\"partition\":1,\"offset\":77}")
                .contains("… (100000 characters)");
        DeadLetter read = TopicRecords.deadLetter(value);
        assertThat(read.originValue()).isNull();
        assertThat(read.error()).hasSize(65_536 + "… (100000 characters)".length());
        assertThat(read.reason()).isEqualTo(letter.reason());
    }

    @Test
    void appliedPositionRoundTripsAndKeysAreStable() {
        AppliedPosition p = new AppliedPosition("shop", "pg-main", "ferry.shop.target.pg-main.users", 3, 99,
                new SourceInfo("shop", "0/1A", "55", 1_700_000_000_000_000L, false), new Marker(12, 1_700_000_000_000_001L,
                        Marker.Kind.HEARTBEAT), 4242, Instant.parse("2026-11-21T10:00:00.123Z"));
        assertThat(TopicRecords.appliedPosition(TopicRecords.appliedPositionValue(p))).isEqualTo(p);
        AppliedPosition empty = new AppliedPosition("shop", "pg-main", "t", 0, 0, null, null, 0, Instant.EPOCH);
        assertThat(TopicRecords.appliedPosition(TopicRecords.appliedPositionValue(empty))).isEqualTo(empty);
        assertThat(new String(TopicRecords.appliedPositionKey("pg-main", "t", 3), StandardCharsets.UTF_8))
                .isEqualTo("{\"sink\":\"pg-main\",\"topic\":\"t\",\"partition\":3}");
    }
}
