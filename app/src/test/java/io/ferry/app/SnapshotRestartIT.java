package io.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ferry.app.cli.Ferry;
import io.ferry.devstack.KafkaService;
import io.ferry.devstack.PostgresService;
import io.ferry.devstack.Service;
import io.ferry.devstack.junit.ChildJvm;
import io.ferry.devstack.junit.WithServices;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code ferry run} killed with SIGKILL in the middle of its initial snapshot, rows deleted at the source while it is
 * down, started again: Debezium reads the whole snapshot again and cannot tell what the first run delivered, so the
 * rows the second run no longer finds must be removed by Ferry (transform's sweep at the run's end), or they would
 * stay in the target for good. Found as a rare failure of {@link ServiceProcessIT} when the kill came within a second
 * of the snapshot's end.
 */
@WithServices({Service.POSTGRES, Service.KAFKA})
class SnapshotRestartIT {

    @Test
    void rowsDeletedWhileAnInterruptedSnapshotWasDownLeaveTheTarget(PostgresService pg, KafkaService kafka) throws Exception {
        UsersPipeline users = new UsersPipeline(pg, "resnap_src", "resnap_dst");
        users.createSource(20_000); // 60,000 sessions: the snapshot reads the users first (the order of source.tables)
        Path dataDir = UsersPipeline.freshDir("resnap-it");
        String file = users.config("resnap", dataDir, "  bootstrap_servers: " + kafka.bootstrapServers(),
                "http: {enabled: false}\nvalidation: {continuous: false}").file();
        Path firstLog = dataDir.resolveSibling("resnap-it-first.log");
        Path secondLog = dataDir.resolveSibling("resnap-it-second.log");
        Files.deleteIfExists(firstLog);
        Files.deleteIfExists(secondLog);

        // killed as capture reads the first session: every user is in Kafka, most sessions are not yet
        Process first = ChildJvm.start(Ferry.class, "768m", "schema of public.user_sessions is now version 1", firstLog,
                "run", "--config", file);
        first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        assertThat(Files.readString(firstLog)).as("killed before the snapshot ended").contains("snapshot run")
                .doesNotContainPattern("snapshot run \\d+ of resnap ends");
        users.execute("DELETE FROM user_sessions WHERE user_id IN (1, 6)", "DELETE FROM users WHERE user_id = 1",
                "UPDATE users SET name = 'Renamed while down' WHERE user_id = 2");

        Process second = ChildJvm.start(Ferry.class, "768m", "pipeline resnap running", secondLog, "run", "--config", file);
        try {
            users.awaitTargetMatches(Duration.ofMinutes(3), secondLog);
            // the sweep logs once its last slice is done, which may come after the target already lost user 1
            await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(Files.readString(secondLog))
                    .as("the second run's end removed what the first left")
                    .containsPattern("snapshot run \\d+ of public.users ended without 1 rows"));
        } finally {
            second.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }
}
