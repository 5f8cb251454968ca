package io.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.app.service.FerryService;
import io.ferry.app.status.StatusServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import io.ferry.app.service.Role;
import io.ferry.app.service.StageStatus;
import io.ferry.core.config.PipelineConfig;
import io.ferry.devstack.PostgresService;
import io.ferry.devstack.Service;
import io.ferry.devstack.junit.WithServices;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole service in one process on its embedded Kafka: PostgreSQL users and sessions into a PostgreSQL
 * target with a lookup aggregate, snapshot then live changes, then a stop and a start on the same data
 * directory that goes on where it stopped.
 */
@WithServices(Service.POSTGRES)
class FerryServiceIT {

    private static UsersPipeline users;

    @BeforeAll
    static void databases(PostgresService pg) throws SQLException {
        users = new UsersPipeline(pg, "run_src", "run_dst");
        users.createSource(300);
    }

    private static PipelineConfig pipeline(Path dataDir) throws Exception {
        return users.config("run-it", dataDir, "", """
                validation:
                  lag_threshold: 10s
                  stable_for: 2s
                  lag_interval: 1s
                http:
                  port: 0
                  token: let-me-in
                """);
    }

    @Test
    void snapshotsStreamsStopsAndGoesOn() throws Exception {
        Path dataDir = UsersPipeline.freshDir("run-it-data");
        PipelineConfig config = pipeline(dataDir);
        try (FerryService service = new FerryService(config, EnumSet.allOf(Role.class), new SimpleMeterRegistry()).start()) {
            users.awaitTargetMatches(Duration.ofMinutes(3));
            assertThat(service.stages()).extracting(StageStatus::stage).contains("capture", "transform", "sink pg");
            await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(service.stages()).allMatch(StageStatus::healthy));
            assertThat(service.snapshot()).extracting(t -> t.table().toString()).contains("public.users", "public.user_sessions");
            statusServer(service, config);

            users.execute("INSERT INTO users (email, name) VALUES ('new@example.com', 'New')",
                    "UPDATE users SET name = 'Renamed' WHERE user_id = 7",
                    "DELETE FROM user_sessions WHERE user_id = 8",
                    "INSERT INTO user_sessions (session_id, user_id, last_activity) VALUES (gen_random_uuid(), 9, '2030-01-01')");
            users.awaitTargetMatches(Duration.ofMinutes(2));
            assertThat(service.sinkCounts()).singleElement().satisfies(c -> assertThat(c.deadLetters()).isZero());

            // a drain returns only once every change committed before it is in the target: no waiting after it
            users.execute("UPDATE users SET name = 'Last write' WHERE user_id = 12",
                    "INSERT INTO user_sessions (session_id, user_id, last_activity) VALUES (gen_random_uuid(), 12, '2032-01-01')");
            long drained = service.drain(Duration.ofMinutes(1));
            assertThat(users.actual()).isEqualTo(users.expected());
            // lag follows the heartbeats
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(service.lag().orElseThrow().tables())
                    .singleElement().satisfies(l -> {
                        assertThat(l.known()).isTrue();
                        assertThat(l.markerId()).isGreaterThanOrEqualTo(drained);
                        assertThat(l.lagMs()).isLessThan(10_000);
                        assertThat(l.logDistance()).isGreaterThanOrEqualTo(0);
                    }));
            // continuous mode validates on its own once the snapshot is done and lag is known; then the gate opens
            await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(service.gate().orElseThrow().ready()).isTrue());
            assertThat(service.lastValidation()).hasValueSatisfying(v -> assertThat(v.clean()).isTrue());
            assertThat(service.validate().clean()).isTrue();
            statusPage(service, config);
            assertThat(lagRecords(service.bootstrapServers())).anySatisfy(r -> {
                assertThat(r.path("sink").asText()).isEqualTo("pg");
                assertThat(r.path("table").asText()).isEqualTo("users");
                assertThat(r.path("lagMs").isNumber()).isTrue();
                assertThat(r.path("stages").path("capture").asText()).isEqualTo("RUNNING");
                assertThat(r.path("validation").path("result").asText()).isEqualTo("MATCH");
            });

            // the source's heartbeat sequence goes back (a restored source): heartbeats applied before the drain have higher
            // ids than the one it writes, so ids cannot tell the drain; it says so (it said drained at once, for heartbeats
            // written before it)
            users.execute("UPDATE ferry.heartbeat SET seq = 0 WHERE pipeline = 'run-it' AND kind = 'heartbeat'");
            assertThatThrownBy(() -> service.drain(Duration.ofSeconds(30))).isInstanceOf(io.ferry.app.service.Refused.class)
                    .hasMessageContaining("heartbeat sequence is behind", "UPDATE ferry.heartbeat SET seq = ");
        }

        // changes while stopped are picked up by the next start on the same data directory (its Kafka included)
        users.execute("DELETE FROM user_sessions WHERE user_id = 10", "DELETE FROM users WHERE user_id = 10",
                "UPDATE users SET email = 'changed@example.com' WHERE user_id = 11");
        try (FerryService service = new FerryService(config, EnumSet.allOf(Role.class), new SimpleMeterRegistry()).start()) {
            users.awaitTargetMatches(Duration.ofMinutes(3));
        }
    }

    /** The status server answers with the token, and only /health without it. */
    private static void statusServer(FerryService service, PipelineConfig config) throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new io.ferry.sinks.runtime.SinkMetrics(registry, "run-it", "pg");
        try (StatusServer http = new StatusServer(config.http(), service, registry, () -> "lag unknown").start()) {
            HttpClient client = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + http.port();
            assertThat(get(client, base + "/health", null).statusCode()).isEqualTo(200);
            assertThat(get(client, base + "/status", null).statusCode()).isEqualTo(401);
            assertThat(get(client, base + "/status", "wrong").statusCode()).isEqualTo(401);
            HttpResponse<String> status = get(client, base + "/status", "let-me-in");
            assertThat(status.statusCode()).isEqualTo(200);
            JsonNode json = new ObjectMapper().readTree(status.body());
            assertThat(json.path("pipeline").asText()).isEqualTo("run-it");
            assertThat(json.path("stages").findValuesAsText("stage")).contains("capture", "transform", "sink pg");
            assertThat(json.path("snapshot").findValuesAsText("table")).contains("public.users");
            HttpResponse<String> ready = get(client, base + "/ready", "let-me-in");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("NOT_READY", "lag unknown");
            HttpResponse<String> drain = client.send(HttpRequest.newBuilder(URI.create(base + "/drain?timeout=60s"))
                    .header("Authorization", "Bearer let-me-in").POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(drain.statusCode()).isEqualTo(200);
            assertThat(new ObjectMapper().readTree(drain.body()).path("heartbeat").asLong()).isPositive();
            assertThat(get(client, base + "/metrics", "let-me-in").body()).contains("ferry_sink_rows_total");
            assertThat(get(client, base + "/", null).body()).contains("<html").contains("fetch('status'");
        }
    }

    /** What a person sees on the status page, in a real browser: the gate, a lag chart with points, a row per table. */
    private static void statusPage(FerryService service, PipelineConfig config) throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (StatusServer http = new StatusServer(config.http(), service, registry, () -> null).start()) {
            String dom = HeadlessChromium.dom("http://127.0.0.1:" + http.port() + "/#token=let-me-in", 7000);
            assertThat(dom).contains("<span id=\"gate\" class=\"gate READY\">READY</span>");
            assertThat(dom).containsPattern("<polyline [^>]*points=\"[-0-9.]+,[-0-9.]+ [-0-9.]+,[-0-9.]+");
            assertThat(dom).containsPattern("<td>pg</td><td>users</td><td><span class=\"ok\">[0-9.]+ s</span>");
            assertThat(dom).contains("<td>public.users</td>").contains("<td>public.user_sessions</td>");
            assertThat(dom).containsPattern("<td>this one</td><td>capture</td><td><span class=\"ok\">RUNNING</span>");
            assertThat(dom).containsPattern("<td>users</td><td><span class=\"ok\">MATCH</span>");
            assertThat(dom).contains("<div class=\"muted\" id=\"time\">as of ");
        }
    }

    private static HttpResponse<String> get(HttpClient client, String url, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<JsonNode> lagRecords(String bootstrap) throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        List<JsonNode> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition("ferry.run-it.lag", 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            while (c.position(tp) < end) {
                for (var r : c.poll(Duration.ofSeconds(1))) {
                    out.add(new ObjectMapper().readTree(r.value()));
                }
            }
        }
        return out;
    }
}
