package io.ferry.app.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.devstack.KafkaService;
import io.ferry.devstack.Service;
import io.ferry.devstack.junit.WithServices;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * The wait before the peer starts again: a consumer that is gone without leaving its group (as when its JVM is killed)
 * stays a member until its session times out; {@link GroupMembers#awaitNone} returns only once the coordinator dropped it.
 */
@WithServices(Service.KAFKA)
class GroupMembersIT {

    private static final String TOPIC = "group-members-it";
    private static final String GROUP = "group-members-it";

    @Test
    void aMemberGoneWithoutLeavingIsWaitedOutUntilItsSessionEnds(KafkaService kafka) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
            assertThat(GroupMembers.count(admin, "no-such-group")).as("a group nobody joined").isZero();
            assertThat(GroupMembers.awaitNone(admin, "no-such-group", Duration.ofSeconds(5))).isLessThan(5.0);

            KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    kafka.bootstrapServers(), ConsumerConfig.GROUP_ID_CONFIG, GROUP, ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 15_000,
                    ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 1_000), new ByteArrayDeserializer(), new ByteArrayDeserializer());
            consumer.subscribe(List.of(TOPIC));
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (consumer.assignment().isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200));
            }
            assertThat(consumer.assignment()).as("the consumer joined its group").isNotEmpty();
            assertThat(GroupMembers.count(admin, GROUP)).isEqualTo(1);

            // closed without a LeaveGroup: what the coordinator sees of a consumer whose JVM was killed
            consumer.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP));
            assertThat(GroupMembers.count(admin, GROUP)).as("still a member until its 15 s session ends").isEqualTo(1);
            assertThatThrownBy(() -> GroupMembers.awaitNone(admin, GROUP, Duration.ofSeconds(1))).isInstanceOf(BenchAborted.class)
                    .hasMessageContaining("consumer group " + GROUP + " still has 1 member(s)");

            double waited = GroupMembers.awaitNone(admin, GROUP, Duration.ofMinutes(1));
            assertThat(GroupMembers.count(admin, GROUP)).as("gone once awaitNone returned, after %.1f s", waited).isZero();
            assertThat(waited).as("the coordinator dropped it when its session ended, not before").isGreaterThan(5.0);
        }
    }
}
