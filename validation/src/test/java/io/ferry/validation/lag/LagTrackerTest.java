package io.ferry.validation.lag;

import static org.awaitility.Awaitility.await;

import io.ferry.core.config.PipelineConfig;
import io.ferry.core.config.PipelineLoader;
import io.ferry.transform.mapping.MappingsSchema;
import io.ferry.validation.diff.FakeSinks;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The lag tracker outlives a broker that is out of reach for longer than a metadata request waits. */
class LagTrackerTest {

    @Test
    void keepsTrackingWhileKafkaIsOutOfReach() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // nothing listens there afterwards: a broker being restarted
        }
        PipelineConfig config = new PipelineLoader(name -> null, FakeSinks.factories(), Optional.of(new MappingsSchema())).parse("""
                pipeline: {name: t}
                source: {type: postgres, host: 127.0.0.1, port: 1, database: app, user: ferry, tables: [public.users]}
                sinks:
                  - {name: out, type: postgres, url: "fake://x"}
                mappings:
                  - {to: users, from: public.users}
                """, "t.yaml");
        Properties client = new Properties();
        client.put("bootstrap.servers", "127.0.0.1:" + port);
        try (LagTracker tracker = new LagTracker(config, client, Map::of).start()) {
            // listing topics gives up after 10 s; the drain and the gate need the tracker to go on after that
            await("the lag tracker's thread still running").during(Duration.ofSeconds(13)).atMost(Duration.ofSeconds(20))
                    .until(tracker::tracking);
        }
    }
}
