package io.ferry.capture.publish;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.ferry.core.event.ChangeEvent;
import io.ferry.core.event.ChangeEventCodec;
import io.ferry.core.event.Row;
import io.ferry.core.event.SourceInfo;
import io.ferry.core.event.TableId;
import io.ferry.devstack.KafkaService;
import io.ferry.devstack.Service;
import io.ferry.devstack.junit.WithServices;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** The last stamp read back from the change topics' tails at a launch. */
@WithServices(Service.KAFKA)
class StamperIT {

    private static final TableId TABLE = TableId.parse("public.t");

    private static ProducerRecord<byte[], byte[]> change(String topic, int id, long stamp) {
        Row key = Row.builder().put("id", JsonNodeFactory.instance.numberNode(id)).build();
        ChangeEvent.RowChange e = ChangeEvent.RowChange.insert(TABLE, key, key,
                new SourceInfo("db", "0/" + id, id, "1", 0, stamp, false, stamp), 1);
        return new ProducerRecord<>(topic, 0, ChangeEventCodec.key(e), ChangeEventCodec.value(e));
    }

    /**
     * A crash while publishing a large batch leaves its records aborted at the partition's end: the stamp committed before
     * them is still found (reading a fixed tail of 20 found nothing, and the stamps went back to an older one, or to 0).
     */
    @Test
    void theLastCommittedStampIsFoundBehindAnAbortedBatch(KafkaService kafka) throws Exception {
        String topic = "stamps-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
        }
        long future = (System.currentTimeMillis() + 3_600_000L) * 1000L; // above the clock, so only the read can give it
        Map<String, Object> config = Map.of("bootstrap.servers", kafka.bootstrapServers(), "transactional.id", "stamps-" + UUID.randomUUID());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 0; i < 5; i++) {
                producer.send(change(topic, i, future - 10 + i));
            }
            producer.commitTransaction();
            producer.beginTransaction();
            for (int i = 5; i < 300; i++) {
                producer.send(change(topic, i, future + i)); // never committed
            }
            producer.flush();
            producer.abortTransaction();
        }
        Properties client = new Properties();
        client.put("bootstrap.servers", kafka.bootstrapServers());
        assertThat(Stamper.readLast(client, List.of(topic))).isEqualTo(future - 6);
        assertThat(Stamper.recover(client, List.of(topic)).last()).isEqualTo(future - 6);
        // an empty topic and the clock: the clock
        String empty = "stamps-empty-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(empty, 1, (short) 1))).all().get();
        }
        long before = System.currentTimeMillis() * 1000L;
        assertThat(Stamper.recover(client, List.of(empty)).last()).isGreaterThanOrEqualTo(before);
    }
}
