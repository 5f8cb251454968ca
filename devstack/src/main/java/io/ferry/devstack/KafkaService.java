package io.ferry.devstack;

/**
 * A single-node Kafka in KRaft mode whose internal topics (consumer offsets, transaction state) have
 * replication factor 1 and min ISR 1, so consumer groups and transactions work on one broker.
 */
public interface KafkaService extends DevService {

    /** Value for {@code bootstrap.servers}. */
    default String bootstrapServers() {
        return host() + ":" + port();
    }
}
