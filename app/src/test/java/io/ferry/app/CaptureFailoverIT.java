package io.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ferry.app.service.FerryService;
import io.ferry.app.service.Role;
import io.ferry.app.service.StageStatus;
import io.ferry.core.config.PipelineConfig;
import io.ferry.devstack.KafkaService;
import io.ferry.devstack.PostgresService;
import io.ferry.devstack.Service;
import io.ferry.devstack.junit.WithServices;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/**
 * Two processes of one deployment on a shared Kafka: one captures, the other stands by; Streams and the
 * sink group spread the rest over both. When the capturing process stops, the other takes capture over
 * and the target keeps following the source.
 */
@WithServices({Service.POSTGRES, Service.KAFKA})
class CaptureFailoverIT {

    @Test
    void theStandbyTakesCaptureOver(PostgresService pg, KafkaService kafka) throws Exception {
        UsersPipeline users = new UsersPipeline(pg, "failover_src", "failover_dst");
        users.createSource(200);
        String kafkaSection = "  bootstrap_servers: " + kafka.bootstrapServers();
        PipelineConfig a = users.config("failover", UsersPipeline.freshDir("failover-a"), kafkaSection, "http: {enabled: false}");
        PipelineConfig b = users.config("failover", UsersPipeline.freshDir("failover-b"), kafkaSection, "http: {enabled: false}");
        // local state left by a deployment on another Kafka cluster must not mix with this one's
        Path stale = a.pipeline().dataDir().resolve("transform").resolve("ferry.failover.transform").resolve("0_0").resolve("stale");
        Files.createDirectories(stale.getParent());
        Files.writeString(stale, "from another cluster");
        Files.writeString(a.pipeline().dataDir().resolve("transform").resolve("kafka-cluster-id"), "another-cluster");
        SimpleMeterRegistry firstMetrics = new SimpleMeterRegistry();
        SimpleMeterRegistry secondMetrics = new SimpleMeterRegistry();
        FerryService first = new FerryService(a, EnumSet.allOf(Role.class), firstMetrics).start();
        assertThat(stale).doesNotExist();
        FerryService second = new FerryService(b, EnumSet.allOf(Role.class), secondMetrics).start();
        try {
            users.awaitTargetMatches(Duration.ofMinutes(3));
            await().atMost(Duration.ofSeconds(30)).until(() -> captureState(first).equals("RUNNING") ^ captureState(second).equals("RUNNING"));
            FerryService leader = captureState(first).equals("RUNNING") ? first : second;
            FerryService standby = leader == first ? second : first;
            assertThat(captureState(standby)).isEqualTo("STANDBY");

            // a process joining the group and leaving it again takes nothing from the leader: its Debezium is not
            // restarted (before session 32 every join revoked the leader's partition, and could hand it to the newcomer)
            SimpleMeterRegistry leaderMetrics = leader == first ? firstMetrics : secondMetrics;
            double launches = leaderMetrics.counter("ferry.capture.launches", "pipeline", "failover").count();
            assertThat(launches).isGreaterThanOrEqualTo(1);
            PipelineConfig c = users.config("failover", UsersPipeline.freshDir("failover-c"), kafkaSection, "http: {enabled: false}");
            // a process with a fresh data directory joins transform too: it took every group for new, and its rewind of the
            // group the others are in failed its start
            try (FerryService third = new FerryService(c, EnumSet.of(Role.CAPTURE, Role.TRANSFORM), new SimpleMeterRegistry()).start()) {
                await().atMost(Duration.ofSeconds(60)).until(() -> captureGroupMembers(kafka) == 3);
                assertThat(captureState(third)).isEqualTo("STANDBY");
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> captureGroupMembers(kafka) == 2);
            assertThat(captureState(leader)).isEqualTo("RUNNING");
            assertThat(leaderMetrics.counter("ferry.capture.launches", "pipeline", "failover").count()).as("leader's launches")
                    .isEqualTo(launches);

            leader.close();
            users.execute("INSERT INTO users (email, name) VALUES ('after@example.com', 'After')",
                    "UPDATE users SET name = 'Changed' WHERE user_id = 3",
                    "INSERT INTO user_sessions (session_id, user_id, last_activity) VALUES (gen_random_uuid(), 4, '2031-01-01')");
            await().atMost(Duration.ofMinutes(2)).untilAsserted(() -> assertThat(captureState(standby)).isEqualTo("RUNNING"));
            users.awaitTargetMatches(Duration.ofMinutes(2));
        } finally {
            first.close();
            second.close();
        }
    }

    /**
     * Roles split over two processes: the one that validates runs no capture, yet its gate counts the capturing process's
     * stages, which the deployment's processes topic carries (before session 28 it saw only its own, and a capture that
     * left a table out, DEGRADED, did not keep it NOT_READY).
     */
    @Test
    void theValidatingProcessCountsTheStagesOfTheCapturingOne(PostgresService pg, KafkaService kafka) throws Exception {
        UsersPipeline users = new UsersPipeline(pg, "roles_src", "roles_dst");
        users.tables = "[public.users, 'public.user_.*']"; // user_sessions now, user_audit later
        users.createSource(50);
        String kafkaSection = "  bootstrap_servers: " + kafka.bootstrapServers();
        PipelineConfig a = users.config("roles", UsersPipeline.freshDir("roles-a"), kafkaSection, "http: {enabled: false}");
        PipelineConfig b = users.config("roles", UsersPipeline.freshDir("roles-b"), kafkaSection, "http: {enabled: false}");
        FerryService capturing = new FerryService(a, EnumSet.of(Role.CAPTURE, Role.TRANSFORM, Role.SINK), new SimpleMeterRegistry()).start();
        FerryService validating = new FerryService(b, EnumSet.of(Role.VALIDATE), new SimpleMeterRegistry()).start();
        try {
            users.awaitTargetMatches(Duration.ofMinutes(3));
            String capturer = capturing.processName().orElseThrow();
            assertThat(validating.stages()).extracting(StageStatus::stage).containsExactly("validate");
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(validating.otherProcesses()).singleElement()
                    .satisfies(p -> {
                        assertThat(p.process()).isEqualTo(capturer);
                        assertThat(p.roles()).containsExactly("capture", "sink", "transform");
                        assertThat(p.stages()).anySatisfy(s -> assertThat(s.stage() + " " + s.state()).isEqualTo("capture RUNNING"));
                    }));

            // a table that matches source.tables and that capture cannot take: no primary key
            users.execute("CREATE TABLE user_audit (note text)");
            await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(validating.gate().orElseThrow().reasons())
                    .anySatisfy(r -> assertThat(r).startsWith("capture in process " + capturer + " is DEGRADED").contains("public.user_audit")));
            assertThat(validating.gate().orElseThrow().ready()).isFalse();

            users.execute("ALTER TABLE user_audit ADD COLUMN id serial PRIMARY KEY");
            await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(validating.gate().orElseThrow().reasons())
                    .noneSatisfy(r -> assertThat(r).contains("in process")));

            capturing.close(); // it says it leaves
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(validating.otherProcesses()).isEmpty());
        } finally {
            capturing.close();
            validating.close();
        }
    }

    /**
     * Another producer takes capture's transactional id while this process leads the election (a former leader cut off
     * from Kafka, relaunching before it heard it lost): the capture is fenced, and starts again, since the election says
     * this process captures. It stayed fenced for good while its status said a healthy STANDBY, and nobody captured.
     */
    @Test
    void aCaptureFencedWhileItsProcessLeadsStartsAgain(PostgresService pg, KafkaService kafka) throws Exception {
        UsersPipeline users = new UsersPipeline(pg, "fenced_src", "fenced_dst");
        users.createSource(20);
        String kafkaSection = "  bootstrap_servers: " + kafka.bootstrapServers();
        PipelineConfig a = users.config("fenced", UsersPipeline.freshDir("fenced-a"), kafkaSection, "http: {enabled: false}");
        try (FerryService only = new FerryService(a, EnumSet.allOf(Role.class), new SimpleMeterRegistry()).start()) {
            users.awaitTargetMatches(Duration.ofMinutes(3));
            await().atMost(Duration.ofSeconds(30)).until(() -> captureState(only).equals("RUNNING"));
            java.util.Map<String, Object> zombie = java.util.Map.of("bootstrap.servers", kafka.bootstrapServers(), "transactional.id",
                    new io.ferry.core.topic.TopicNames("fenced").captureTransactionalId());
            try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<>(zombie,
                    new org.apache.kafka.common.serialization.ByteArraySerializer(), new org.apache.kafka.common.serialization.ByteArraySerializer())) {
                producer.initTransactions();
            }
            users.execute("INSERT INTO users (email, name) VALUES ('fenced@example.com', 'Fenced')",
                    "UPDATE users SET name = 'After the fence' WHERE user_id = 2");
            await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(only.stages()).anySatisfy(st -> assertThat(
                    st.stage() + " " + st.state() + " " + st.detail()).startsWith("capture RETRYING").contains("fenced")));
            users.awaitTargetMatches(Duration.ofMinutes(2));
            await().atMost(Duration.ofSeconds(30)).until(() -> captureState(only).equals("RUNNING"));
        }
    }

    /** The members of the capture election's group once it is stable (none while it rebalances). */
    private static int captureGroupMembers(KafkaService kafka) throws Exception {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                java.util.Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            var group = admin.describeConsumerGroups(java.util.List.of("ferry.failover.capture-leader")).all().get()
                    .get("ferry.failover.capture-leader");
            return group.groupState() == org.apache.kafka.common.GroupState.STABLE ? group.members().size() : 0;
        }
    }

    private static String captureState(FerryService s) {
        return s.stages().stream().filter(st -> st.stage().equals("capture")).map(StageStatus::state).findFirst().orElse("STOPPED");
    }
}
