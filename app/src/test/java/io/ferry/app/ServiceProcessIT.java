package io.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ferry.app.cli.Ferry;
import io.ferry.devstack.KafkaService;
import io.ferry.devstack.PostgresService;
import io.ferry.devstack.Service;
import io.ferry.devstack.junit.ChildJvm;
import io.ferry.devstack.junit.WithServices;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code ferry run} as its own process: killed with SIGKILL while changes flow and started again, nothing is
 * lost; {@code /status}, {@code /metrics} and the CLI's exit codes against it; stopped with SIGTERM, it exits
 * promptly.
 */
@WithServices({Service.POSTGRES, Service.KAFKA})
class ServiceProcessIT {

    @Test
    void survivesSigkillAndStopsOnSigterm(PostgresService pg, KafkaService kafka) throws Exception {
        UsersPipeline users = new UsersPipeline(pg, "proc_src", "proc_dst");
        users.createSource(300);
        Path dataDir = UsersPipeline.freshDir("proc-it");
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port;
        String file = users.config("proc", dataDir, "  bootstrap_servers: " + kafka.bootstrapServers(),
                "http: {port: " + port + "}\nvalidation: {stable_for: 2s, lag_threshold: 10s, continuous: false}").file();

        Path firstLog = dataDir.resolveSibling("proc-it-first.log");
        Path secondLog = dataDir.resolveSibling("proc-it-second.log");
        Files.deleteIfExists(firstLog);
        Files.deleteIfExists(secondLog);
        Process first = ChildJvm.start(Ferry.class, "768m", "pipeline proc running", firstLog, "run", "--config", file);
        try {
            users.awaitTargetMatches(Duration.ofMinutes(3), firstLog);
            users.execute("INSERT INTO users (email, name) VALUES ('k1@example.com', 'Before kill')",
                    "UPDATE users SET name = 'Before kill' WHERE user_id = 5");
        } finally {
            first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        users.execute("INSERT INTO users (email, name) VALUES ('k2@example.com', 'While dead')",
                "DELETE FROM user_sessions WHERE user_id = 6",
                "UPDATE users SET email = 'moved@example.com' WHERE user_id = 7");

        Process second = ChildJvm.start(Ferry.class, "768m", "pipeline proc running", secondLog, "run", "--config", file);
        try {
            users.awaitTargetMatches(Duration.ofMinutes(3), secondLog);

            // what scripts and operators ask the running process
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> status = client.send(HttpRequest.newBuilder(URI.create(url + "/status")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(status.statusCode()).isEqualTo(200);
            assertThat(status.body()).contains("\"pipeline\" : \"proc\"", "\"stage\" : \"sink pg\"");
            assertThat(client.send(HttpRequest.newBuilder(URI.create(url + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body())
                    .contains("ferry_sink_rows_total{pipeline=\"proc\",sink=\"pg\"}", "migration_replication_lag_seconds");
            assertThat(Ferry.execute("cutover", "check", "--url", url)).as("NOT_READY before any validation").isEqualTo(1);
            assertThat(Ferry.execute("validate", "--url", url)).as("validation matches").isZero();
            await().atMost(Duration.ofMinutes(1)).until(() -> Ferry.execute("cutover", "check", "--url", url) == 0);
            assertThat(Ferry.execute("cutover", "check", "--url", url, "--stable-for", "3s")).as("own window, READY").isZero();
            assertThat(Ferry.execute("cutover", "check", "--url", url, "--lag-threshold", "1ms")).as("a threshold no lag meets").isEqualTo(1);
            assertThat(Ferry.execute("cutover", "drain", "--url", url, "--timeout", "60s")).as("drained and validated").isZero();
            assertThat(Ferry.execute("status", "--url", url)).isZero();

            // a target changed behind Ferry's back is repaired by reading the table again: rows deleted there come back,
            // a row changed there gets the source's values, while changes go on
            users.executeOnTarget("DELETE FROM users WHERE user_id IN (3, 4)", "UPDATE users SET name = 'Drifted' WHERE user_id = 5");
            assertThat(users.actual()).isNotEqualTo(users.expected());
            assertThat(Ferry.execute("resnapshot", "--url", url, "public\\.users")).as("re-snapshot asked").isZero();
            users.execute("UPDATE users SET name = 'During the re-snapshot' WHERE user_id = 3");
            users.awaitTargetMatches(Duration.ofMinutes(2), secondLog);

            // rows the source lost without a delete that any log carried (here deleted while the table was out of the
            // publication) are removed by reading the table again: transform deletes the rows of it that the read did not
            // find, and the documents they were aggregated into follow
            users.execute("ALTER PUBLICATION ferry_proc DROP TABLE user_sessions",
                    "DELETE FROM user_sessions WHERE user_id % 2 = 1",
                    "ALTER PUBLICATION ferry_proc ADD TABLE user_sessions",
                    "UPDATE users SET name = 'After the gap' WHERE user_id = 2");
            await().atMost(Duration.ofMinutes(2)).until(() -> users.actual().stream().anyMatch(r -> r.contains("After the gap")));
            assertThat(users.actual()).as("the deletes reached no log").isNotEqualTo(users.expected());
            assertThat(Ferry.execute("resnapshot", "--url", url, "public\\.user_sessions")).as("re-snapshot asked").isZero();
            users.awaitTargetMatches(Duration.ofMinutes(2), secondLog);
            assertThat(Ferry.execute("resnapshot", "--url", url, "public\\.no_such_table")).as("matches no captured table").isEqualTo(2);
            assertThat(Ferry.execute("resnapshot", "--url", url, "public.(")).as("not a regular expression").isEqualTo(2);
            assertThat(Ferry.execute("cutover", "check", "--url", "http://127.0.0.1:1")).as("nobody answers").isEqualTo(3);

            long t0 = System.nanoTime();
            second.destroy(); // SIGTERM
            assertThat(second.waitFor(60, TimeUnit.SECONDS)).as("stopped within a minute of SIGTERM").isTrue();
            assertThat(second.exitValue()).isEqualTo(143);
            System.out.printf("ferry run stopped %d ms after SIGTERM%n", (System.nanoTime() - t0) / 1_000_000);
        } finally {
            second.destroyForcibly();
        }
    }
}
