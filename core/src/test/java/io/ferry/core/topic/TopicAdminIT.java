package io.ferry.core.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.core.event.TableId;
import io.ferry.devstack.KafkaService;
import io.ferry.devstack.Service;
import io.ferry.devstack.junit.WithServices;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

@WithServices(Service.KAFKA)
class TopicAdminIT {

    private static Admin admin(KafkaService kafka) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }

    @Test
    void createsMissingTopicsWithTheirPoliciesAndIsIdempotent(KafkaService kafka) throws Exception {
        String pipeline = "p" + UUID.randomUUID().toString().substring(0, 8);
        TopicLayout layout = new TopicLayout(new TopicNames(pipeline), 3, Optional.empty(), Optional.empty());
        List<TopicSpec> specs = new ArrayList<>(layout.pipelineTopics());
        specs.add(layout.change(TableId.parse("public.users")));
        try (Admin admin = admin(kafka)) {
            TopicAdmin.ensure(admin, specs);
            TopicAdmin.ensure(admin, specs);

            String change = layout.change(TableId.parse("public.users")).name();
            assertThat(admin.describeTopics(List.of(change)).allTopicNames().get(30, TimeUnit.SECONDS).get(change)
                    .partitions()).hasSize(3);
            String applied = new TopicNames(pipeline).appliedPositions();
            var config = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, applied)))
                    .all().get(30, TimeUnit.SECONDS).values().iterator().next();
            assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
        }
    }

    @Test
    void everyPartitionOfATopicItMadeTakesAProducersFirstBatch(KafkaService kafka) throws Exception {
        String pipeline = "p" + UUID.randomUUID().toString().substring(0, 8);
        TopicLayout layout = new TopicLayout(new TopicNames(pipeline), 6, Optional.empty(), Optional.empty());
        TopicSpec spec = layout.change(TableId.parse("public.orders"));
        // No retries: a partition whose leader does not host it yet would fail its first send.
        Map<String, Object> config = Map.of("bootstrap.servers", kafka.bootstrapServers(), "enable.idempotence", "false",
                "retries", "0", "acks", "all", "max.block.ms", "30000");
        try (Admin admin = admin(kafka);
                var producer = new org.apache.kafka.clients.producer.KafkaProducer<>(config,
                        new org.apache.kafka.common.serialization.StringSerializer(),
                        new org.apache.kafka.common.serialization.StringSerializer())) {
            TopicAdmin.ensure(admin, List.of(spec));
            List<java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata>> sent = new ArrayList<>();
            for (int p = 0; p < 6; p++) {
                sent.add(producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(spec.name(), p, "k", "v" + p)));
            }
            for (int p = 0; p < 6; p++) {
                assertThat(sent.get(p).get(30, TimeUnit.SECONDS).partition()).isEqualTo(p);
            }
        }
    }

    @Test
    void refusesAnExistingTopicThatWouldExpireRecordsOrHasAnotherPartitionCount(KafkaService kafka) throws Exception {
        String pipeline = "p" + UUID.randomUUID().toString().substring(0, 8);
        TopicNames names = new TopicNames(pipeline);
        TopicLayout layout = new TopicLayout(names, 6, Optional.empty(), Optional.empty());
        String change = names.change(TableId.parse("public.users"));
        try (Admin admin = admin(kafka)) {
            // a topic made by hand: a week's retention, a size limit, and the broker's 1 MB records
            admin.createTopics(List.of(new NewTopic(change, 2, (short) 1).configs(Map.of("retention.ms", "604800000",
                    "retention.bytes", "1073741824", "max.message.bytes", "1048588")))).all().get(30, TimeUnit.SECONDS);
            assertThatThrownBy(() -> TopicAdmin.ensure(admin, List.of(layout.change(TableId.parse("public.users")))))
                    .isInstanceOf(TopicAdmin.TopicsMismatch.class)
                    .hasMessageContaining(change + " keeps records for retention.ms=604800000 but Ferry needs forever (-1)")
                    .hasMessageContaining(change + " deletes its oldest records past retention.bytes=1073741824")
                    .hasMessageContaining("fix: --add-config retention.bytes=-1")
                    .hasMessageContaining(change + " takes records up to max.message.bytes=1048588")
                    .hasMessageContaining("or lower kafka.max_record_size to 960KiB or less");
            List<org.apache.kafka.clients.admin.AlterConfigOp> fixes = new java.util.ArrayList<>();
            for (Map.Entry<String, String> fix : Map.of("retention.ms", "-1", "retention.bytes", "-1", "max.message.bytes",
                    String.valueOf(io.ferry.core.topic.TopicSpec.MAX_MESSAGE_BYTES)).entrySet()) {
                fixes.add(new org.apache.kafka.clients.admin.AlterConfigOp(new org.apache.kafka.clients.admin.ConfigEntry(fix.getKey(),
                        fix.getValue()), org.apache.kafka.clients.admin.AlterConfigOp.OpType.SET));
            }
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, change), fixes)).all()
                    .get(30, TimeUnit.SECONDS);
            // transform and the sinks count partitions by the pipeline's kafka.partitions: another count is refused
            assertThatThrownBy(() -> TopicAdmin.ensure(admin, List.of(layout.change(TableId.parse("public.users")))))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(change + " has 2 partitions, the pipeline asks for 6")
                    .hasMessageContaining("set kafka.partitions to the count the topics have");
            TopicAdmin.ensure(admin, List.of(new TopicLayout(names, 2, Optional.empty(), Optional.empty())
                    .change(TableId.parse("public.users"))));
        }
    }

    @Test
    void aLowerRecordLimitMakesTopicsForItAndAcceptsThem(KafkaService kafka) throws Exception {
        // a cluster that caps records at 8 MiB: kafka.max_record_size: 8MiB
        TopicNames names = new TopicNames("p" + UUID.randomUUID().toString().substring(0, 8));
        int limit = 8 * 1024 * 1024;
        TopicLayout layout = new TopicLayout(names, 1, Optional.empty(), Optional.empty(), limit);
        String change = names.change(TableId.parse("public.users"));
        try (Admin admin = admin(kafka)) {
            TopicAdmin.ensure(admin, List.of(layout.change(TableId.parse("public.users"))));
            var config = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, change))).all()
                    .get(30, TimeUnit.SECONDS).values().iterator().next();
            assertThat(config.get("max.message.bytes").value()).isEqualTo(String.valueOf(limit + 64 * 1024));
            // the default 16 MiB limit against that topic names both ways out
            assertThatThrownBy(() -> TopicAdmin.ensure(admin, List.of(new TopicLayout(names, 1, Optional.empty(), Optional.empty())
                    .change(TableId.parse("public.users"))))).isInstanceOf(TopicAdmin.TopicsMismatch.class)
                    .hasMessageContaining(change + " takes records up to max.message.bytes=" + (limit + 64 * 1024))
                    .hasMessageContaining("or lower kafka.max_record_size to " + (limit / 1024) + "KiB or less");
        }
    }

    @Test
    void kafkaStreamsOwnTopicsMustTakeThePipelinesRecords(KafkaService kafka) throws Exception {
        // a changelog Streams made under a lower kafka.max_record_size, which was raised since
        TopicNames names = new TopicNames("p" + UUID.randomUUID().toString().substring(0, 8));
        String changelog = names.streamsApplicationId() + "-ferry-orders-rows-changelog";
        try (Admin admin = admin(kafka)) {
            admin.createTopics(List.of(new NewTopic(changelog, 1, (short) 1).configs(Map.of("cleanup.policy", "compact",
                    "max.message.bytes", "1048588")), new NewTopic(names.streamsApplicationId() + "x-other", 1, (short) 1)
                    .configs(Map.of("max.message.bytes", "1048588")))).all().get(30, TimeUnit.SECONDS);
            assertThatThrownBy(() -> TopicAdmin.ensureStreamsTopicsTake(admin, names.streamsApplicationId(), TopicSpec.MAX_RECORD_BYTES))
                    .isInstanceOf(TopicAdmin.TopicsMismatch.class)
                    .hasMessageContaining(changelog + " takes records up to max.message.bytes=1048588")
                    .hasMessageContaining("fix: --add-config max.message.bytes=" + TopicSpec.MAX_MESSAGE_BYTES)
                    .hasMessageNotContaining("x-other");
            TopicAdmin.ensureStreamsTopicsTake(admin, names.streamsApplicationId(), 960 * 1024);
        }
    }

    @Test
    void aTopicOfSmallRecordsKeptForAWeekMayHaveASizeLimit(KafkaService kafka) throws Exception {
        // the lag topic: a size limit or the broker's 1 MB records do it no harm, and need no fix by hand
        TopicNames names = new TopicNames("p" + UUID.randomUUID().toString().substring(0, 8));
        try (Admin admin = admin(kafka)) {
            admin.createTopics(List.of(new NewTopic(names.lag(), 1, (short) 1).configs(Map.of("retention.ms", "604800000",
                    "retention.bytes", "1073741824", "max.message.bytes", "1048588")))).all().get(30, TimeUnit.SECONDS);
            TopicAdmin.ensure(admin, new TopicLayout(names, 1, Optional.empty(), Optional.empty()).pipelineTopics());
        }
    }

    @Test
    void refusesAnExistingTopicWithTheWrongCleanupPolicy(KafkaService kafka) throws Exception {
        String pipeline = "p" + UUID.randomUUID().toString().substring(0, 8);
        TopicNames names = new TopicNames(pipeline);
        try (Admin admin = admin(kafka)) {
            admin.createTopics(List.of(new NewTopic(names.captureOffsets(), 1, (short) 1)
                    .configs(Map.of("cleanup.policy", "delete")))).all().get(30, TimeUnit.SECONDS);
            TopicLayout layout = new TopicLayout(names, 1, Optional.empty(), Optional.empty());
            assertThatThrownBy(() -> TopicAdmin.ensure(admin, layout.pipelineTopics()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(names.captureOffsets() + " has cleanup.policy=delete but Ferry needs compact");
        }
    }
}
