package io.ferry.validation.lag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ferry.core.config.PipelineConfig;
import io.ferry.core.config.PipelineLoader;
import io.ferry.transform.mapping.MappingsSchema;
import io.ferry.validation.diff.FakeSinks;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The lag tracker outlives a broker that is out of reach for longer than a metadata request waits. */
class LagTrackerTest {

    private static PipelineConfig config() {
        return new PipelineLoader(name -> null, FakeSinks.factories(), Optional.of(new MappingsSchema())).parse("""
                pipeline: {name: t}
                source: {type: postgres, host: 127.0.0.1, port: 1, database: app, user: ferry, tables: [public.users]}
                sinks:
                  - {name: out, type: postgres, url: "fake://x"}
                mappings:
                  - {to: users, from: public.users}
                """, "t.yaml");
    }

    private static Properties unreachableKafka() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // nothing listens there afterwards: a broker being restarted
        }
        Properties client = new Properties();
        client.put("bootstrap.servers", "127.0.0.1:" + port);
        return client;
    }

    @Test
    void aSnapshotReadLaterHoldsAsOfNow() throws Exception {
        try (LagTracker tracker = new LagTracker(config(), unreachableKafka(), Map::of)) {
            Instant at = Instant.parse("2026-11-22T10:00:00Z");
            long sourceNowUs = 1_800_000_000_000_000L;
            TableLag users = new TableLag("out", "users", 2_000, 0, "0/10", 5, 7, "OK", "");
            LagTracker.Snapshot computed = new LagTracker.Snapshot(at, List.of(users), 1, true, sourceNowUs);
            LagTracker.Snapshot read = tracker.aged(new LagTracker.Computed(computed, 1_000_000_000L), 16_000_000_000L);
            assertThat(read.at()).isEqualTo(at.plusSeconds(15));
            assertThat(read.sourceNowUs()).isEqualTo(sourceNowUs + 15_000_000);
            assertThat(read.tables().get(0).lagMs()).isEqualTo(17_000);
            // the cutoff "committed before sourceNow - lag" is the same as at the computation: nothing newer is claimed
            assertThat(read.sourceNowUs() - read.tables().get(0).lagMs() * 1000).isEqualTo(sourceNowUs - 2_000_000);
            assertThat(tracker.aged(new LagTracker.Computed(LagTracker.Snapshot.NONE, 0), 16_000_000_000L)).isSameAs(LagTracker.Snapshot.NONE);
        }
    }

    @Test
    void keepsTrackingWhileKafkaIsOutOfReach() throws Exception {
        try (LagTracker tracker = new LagTracker(config(), unreachableKafka(), Map::of).start()) {
            // listing topics gives up after 10 s; the drain and the gate need the tracker to go on after that
            await("the lag tracker's thread still running").during(Duration.ofSeconds(13)).atMost(Duration.ofSeconds(20))
                    .until(tracker::tracking);
        }
    }
}
