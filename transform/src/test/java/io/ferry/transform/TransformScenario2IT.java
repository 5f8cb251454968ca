package io.ferry.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferry.core.event.ChangeEvent;
import io.ferry.core.event.ChangeEventCodec;
import io.ferry.core.event.KeyCodec;
import io.ferry.core.event.Marker;
import io.ferry.core.event.Row;
import io.ferry.core.event.SourceInfo;
import io.ferry.core.event.TableId;
import io.ferry.core.event.TargetEvent;
import io.ferry.core.event.TargetEventCodec;
import io.ferry.core.topic.TopicAdmin;
import io.ferry.core.topic.TopicLayout;
import io.ferry.core.topic.TopicNames;
import io.ferry.core.topic.TopicSpec;
import io.ferry.devstack.KafkaService;
import io.ferry.devstack.Service;
import io.ferry.devstack.junit.WithServices;
import io.ferry.transform.runtime.TransformRunner;
import io.ferry.transform.topology.TransformSpec;
import io.ferry.transform.topology.TransformTopology;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

/**
 * Scenario 2 end to end on devstack's real Kafka with exactly-once processing: change events on two-partition
 * change topics in, the customer documents folded from the target topic (read committed) out.
 */
@WithServices({Service.KAFKA})
class TransformScenario2IT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void customersBecomeDocumentsThroughRealKafkaExactlyOnce(KafkaService kafka) throws Exception {
        String pipeline = "s2-" + UUID.randomUUID().toString().substring(0, 6);
        String yaml = TopologyHarness.resource("scenario2/pipeline.yaml").replace("name: customers-to-mongo", "name: " + pipeline)
                .replace("partitions: 1", "partitions: 2");
        TopologyHarness parsed = new TopologyHarness(yaml, GoldenScenario2Test.cascades());
        TransformSpec spec = parsed.spec;
        parsed.close();
        TopicNames names = new TopicNames(pipeline);
        TopicLayout layout = new TopicLayout(names, 2, Optional.empty(), Optional.empty());
        List<TableId> tables = parsed.config.source().tables().stream().map(TableId::parse).toList();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            List<TopicSpec> specs = new ArrayList<>(layout.pipelineTopics());
            tables.forEach(t -> specs.add(layout.change(t)));
            TransformTopology.targetTopics(spec).forEach(t -> specs.add(new TopicSpec(t, 2, TopicSpec.CleanupPolicy.DELETE, Optional.empty(),
                    Optional.empty())));
            TopicAdmin.ensure(admin, specs);
        }
        Map<String, List<String>> keys = Map.of("shop.customers", List.of("customer_id"), "shop.customer_addresses", List.of("address_id"),
                "shop.customer_preferences", List.of("customer_id"), "shop.orders", List.of("order_id"),
                "shop.order_items", List.of("item_id"), "shop.payment_methods", List.of("method_id"));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                "enable.idempotence", "true"), new ByteArraySerializer(), new ByteArraySerializer());
                TransformRunner runner = new TransformRunner(spec, kafka.bootstrapServers(), Path.of("target", "streams-" + pipeline),
                        Map.of())) {
            long[] order = {1};
            java.util.function.BiConsumer<String, Object[]> send = (table, opAndRow) -> {
                ChangeEvent.Op op = (ChangeEvent.Op) opAndRow[0];
                Row row = TopologyHarness.row((String) opAndRow[1]);
                TableId id = TableId.parse(table);
                SourceInfo source = new SourceInfo("shop", "binlog.000001:" + order[0], order[0], null, 0, order[0], false, order[0]);
                order[0]++;
                ChangeEvent.RowChange change = new ChangeEvent.RowChange(op, id, KeyCodec.project(keys.get(table), row), null,
                        op == ChangeEvent.Op.DELETE ? null : row, source, 1);
                producer.send(new ProducerRecord<>(names.change(id), ChangeEventCodec.key(change), ChangeEventCodec.value(change)));
            };
            send.accept("shop.customers", new Object[] {ChangeEvent.Op.READ, GoldenScenario2Test.customer(1, "Alice")});
            send.accept("shop.customers", new Object[] {ChangeEvent.Op.READ, GoldenScenario2Test.customer(2, "Bob")});
            send.accept("shop.customer_preferences", new Object[] {ChangeEvent.Op.READ, GoldenScenario2Test.PREFS});
            send.accept("shop.customer_addresses", new Object[] {ChangeEvent.Op.READ, GoldenScenario2Test.ADDRESS});
            send.accept("shop.orders", new Object[] {ChangeEvent.Op.READ, GoldenScenario2Test.order(1001, 1, "completed")});
            send.accept("shop.orders", new Object[] {ChangeEvent.Op.READ, GoldenScenario2Test.order(1002, 2, "pending")});
            send.accept("shop.order_items", new Object[] {ChangeEvent.Op.READ, GoldenScenario2Test.item(1, 1001, 1)});
            send.accept("shop.order_items", new Object[] {ChangeEvent.Op.READ, GoldenScenario2Test.item(2, 1002, 4)});
            send.accept("shop.payment_methods", new Object[] {ChangeEvent.Op.READ, GoldenScenario2Test.CARD});
            producer.flush();
            runner.start();
            // live changes while it runs: an item update, an order moved to Bob, Bob's other order deleted (its item cascades)
            send.accept("shop.order_items", new Object[] {ChangeEvent.Op.UPDATE, GoldenScenario2Test.item(1, 1001, 3)});
            send.accept("shop.orders", new Object[] {ChangeEvent.Op.UPDATE, GoldenScenario2Test.order(1001, 2, "shipped")});
            send.accept("shop.orders", new Object[] {ChangeEvent.Op.DELETE, "{\"order_id\":1002}"});
            for (TableId t : tables) {
                for (int p = 0; p < 2; p++) {
                    ChangeEvent.MarkerEvent m = new ChangeEvent.MarkerEvent(new Marker(1, 1, Marker.Kind.DRAIN),
                            new SourceInfo("shop", "binlog.000001:99", 99, null, 0, 99, false, 99));
                    producer.send(new ProducerRecord<>(names.change(t), p, ChangeEventCodec.key(m, p), ChangeEventCodec.value(m)));
                }
            }
            producer.flush();

            Map<String, ObjectNode> documents = new HashMap<>();
            Map<Integer, Boolean> drained = new HashMap<>();
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                    "group.id", "check-" + pipeline, "auto.offset.reset", "earliest", "isolation.level", "read_committed"),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                consumer.subscribe(List.of(names.target("mongo", "customers")));
                await().atMost(Duration.ofMinutes(2)).until(() -> {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        TargetEvent e = TargetEventCodec.decode(r.value());
                        if (e instanceof TargetEvent.MarkerPassage) {
                            drained.put(r.partition(), true);
                        } else {
                            apply(documents, e);
                        }
                    }
                    return drained.size() == 2;
                });
            }
            assertThat(runner.state()).isEqualTo(KafkaStreams.State.RUNNING);
            assertThat(documents).hasSize(2);
            ObjectNode alice = documents.get("1");
            ObjectNode bob = documents.get("2");
            assertThat(alice.get("orders")).isEmpty();
            assertThat(alice.at("/profile/preferences/theme").asText()).isEqualTo("dark");
            assertThat(alice.at("/addresses/0/city").asText()).isEqualTo("San Francisco");
            assertThat(alice.at("/payment_methods/0/method_id").asText()).isEqualTo("pm_001");
            assertThat(bob.get("orders")).hasSize(1);
            assertThat(bob.at("/orders/0/order_id").asLong()).isEqualTo(1001);
            assertThat(bob.at("/orders/0/status").asText()).isEqualTo("shipped");
            assertThat(bob.at("/orders/0/items/0/quantity").asInt()).isEqualTo(3);
            assertThat(bob.at("/orders/0/items")).hasSize(1);
        }
    }

    /** A minimal document store: what a document sink does with upserts, deletes and patches. */
    private static void apply(Map<String, ObjectNode> docs, TargetEvent e) {
        e.match(u -> {
            ObjectNode doc = JSON.createObjectNode();
            u.row().asMap().forEach(doc::set);
            return docs.put(u.key().get("_id").asText(), doc);
        }, d -> docs.remove(d.key().get("_id").asText()), p -> {
            ObjectNode at = docs.get(p.key().get("_id").asText());
            for (int i = 0; i < p.path().size(); i++) {
                TargetEvent.PathStep step = p.path().get(i);
                boolean last = i == p.path().size() - 1;
                if (step.elementKey() == null) {
                    if (last) {
                        if (p.action() == TargetEvent.Patch.Action.SET) {
                            ObjectNode v = JSON.createObjectNode();
                            p.value().asMap().forEach(v::set);
                            at.set(step.field(), v);
                        } else {
                            at.remove(step.field());
                        }
                    } else {
                        at = (ObjectNode) at.get(step.field());
                    }
                    continue;
                }
                ArrayNode array = (ArrayNode) at.get(step.field());
                int found = -1;
                for (int j = 0; j < array.size(); j++) {
                    JsonNode element = array.get(j);
                    if (step.elementKey().asMap().entrySet().stream().allMatch(k -> k.getValue().equals(element.get(k.getKey())))) {
                        found = j;
                    }
                }
                if (!last) {
                    at = (ObjectNode) array.get(found);
                } else if (p.action() == TargetEvent.Patch.Action.REMOVE) {
                    if (found >= 0) {
                        array.remove(found);
                    }
                } else {
                    ObjectNode v = JSON.createObjectNode();
                    p.value().asMap().forEach(v::set);
                    if (found >= 0) {
                        array.set(found, v);
                    } else {
                        array.add(v);
                    }
                }
            }
            return null;
        }, m -> null);
    }
}
