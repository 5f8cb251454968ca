package io.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ferry.app.cli.Ferry;
import io.ferry.devstack.KafkaService;
import io.ferry.devstack.PostgresService;
import io.ferry.devstack.Service;
import io.ferry.devstack.junit.ChildJvm;
import io.ferry.devstack.junit.WithServices;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code ferry run} as its own process: killed with SIGKILL while changes flow and started again, nothing is
 * lost; stopped with SIGTERM, it exits promptly.
 */
@WithServices({Service.POSTGRES, Service.KAFKA})
class ServiceProcessIT {

    @Test
    void survivesSigkillAndStopsOnSigterm(PostgresService pg, KafkaService kafka) throws Exception {
        UsersPipeline users = new UsersPipeline(pg, "proc_src", "proc_dst");
        users.createSource(300);
        Path dataDir = Path.of("target", "proc-it").toAbsolutePath();
        String file = users.config("proc", dataDir, "  bootstrap_servers: " + kafka.bootstrapServers(), "http: {port: 0}").file();

        Process first = ChildJvm.start(Ferry.class, "768m", "pipeline proc running", "run", "--config", file);
        try {
            await().atMost(Duration.ofMinutes(3)).untilAsserted(() -> assertThat(users.actual()).isEqualTo(users.expected()));
            users.execute("INSERT INTO users (email, name) VALUES ('k1@example.com', 'Before kill')",
                    "UPDATE users SET name = 'Before kill' WHERE user_id = 5");
        } finally {
            first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        users.execute("INSERT INTO users (email, name) VALUES ('k2@example.com', 'While dead')",
                "DELETE FROM user_sessions WHERE user_id = 6",
                "UPDATE users SET email = 'moved@example.com' WHERE user_id = 7");

        Process second = ChildJvm.start(Ferry.class, "768m", "pipeline proc running", "run", "--config", file);
        try {
            await().atMost(Duration.ofMinutes(3)).untilAsserted(() -> assertThat(users.actual()).isEqualTo(users.expected()));
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
