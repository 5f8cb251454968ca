package io.ferry.validation.lag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.ferry.core.config.PipelineConfig;
import io.ferry.core.config.PipelineLoader;
import io.ferry.core.topic.TopicAdmin;
import io.ferry.core.topic.TopicLayout;
import io.ferry.core.topic.TopicNames;
import io.ferry.devstack.KafkaService;
import io.ferry.devstack.Service;
import io.ferry.devstack.junit.WithServices;
import io.ferry.transform.mapping.MappingsSchema;
import io.ferry.validation.diff.FakeSinks;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The lag tracker against a real broker: it counts the dead letters, and its consumer does not fill the log with warnings. */
@WithServices(Service.KAFKA)
class LagTrackerIT {

    @Test
    void countsDeadLettersWithoutAWarningPerComputation(KafkaService kafka) throws Exception {
        String pipeline = "lag-" + UUID.randomUUID().toString().substring(0, 6);
        TopicNames names = new TopicNames(pipeline);
        Properties client = new Properties();
        client.put("bootstrap.servers", kafka.bootstrapServers());
        try (Admin admin = Admin.create(client)) {
            TopicAdmin.ensure(admin, new TopicLayout(names, 1, Optional.empty(), Optional.empty()).pipelineTopics());
        }
        Logger kafkaClients = (Logger) LoggerFactory.getLogger("org.apache.kafka.clients");
        assertThat(kafkaClients.isWarnEnabled()).as("the test's logging lets the clients' warnings through").isTrue();
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        kafkaClients.addAppender(logged);
        try (LagTracker tracker = new LagTracker(config(pipeline), client, Map::of).start();
                KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(client, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>(names.deadLetters(), ("bad " + i).getBytes(StandardCharsets.UTF_8))).get();
            }
            await("the tracker counts the three dead letters").atMost(Duration.ofSeconds(60))
                    .until(() -> tracker.latest().deadLetters() == 3);
            // the tracker computes once a second, each time asking for the dead-letter partition's offsets
            await("the tracker running for five computations more").during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10))
                    .until(tracker::tracking);
            assertThat(tracker.latest().deadLetters()).isEqualTo(3);
        } finally {
            kafkaClients.detachAppender(logged);
        }
        String clientId = "ferry-" + pipeline + "-lag";
        assertThat(logged.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains(clientId)).toList())
                .as("warnings of the tracker's Kafka clients").isEmpty();
    }

    private static PipelineConfig config(String pipeline) {
        // the source is out of reach (port 1): the tracker goes on without the source's clock
        return new PipelineLoader(name -> null, FakeSinks.factories(), Optional.of(new MappingsSchema())).parse("""
                pipeline: {name: %s}
                source: {type: postgres, host: 127.0.0.1, port: 1, database: app, user: ferry, tables: [public.users]}
                sinks:
                  - {name: out, type: postgres, url: "fake://x"}
                mappings:
                  - {to: users, from: public.users}
                """.formatted(pipeline), "t.yaml");
    }
}
