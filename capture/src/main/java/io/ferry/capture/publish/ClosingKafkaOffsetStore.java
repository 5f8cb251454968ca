package io.ferry.capture.publish;

import io.debezium.embedded.KafkaConnectUtil;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.KafkaOffsetBackingStore;
import org.apache.kafka.connect.util.SharedTopicAdmin;
import org.apache.kafka.connect.util.TopicAdmin;

/**
 * Kafka Connect's Kafka offset store that owns its admin client. For the stock class, Debezium's embedded
 * engine hands the store a shared admin client that nobody closes: every engine start (and a capture
 * restarts its engine after each failure) would leak one client with its thread and connections.
 * Debezium builds any other offset store class through its no-argument constructor, which this has.
 */
public final class ClosingKafkaOffsetStore extends KafkaOffsetBackingStore {

    private final AdminHolder admin;

    public ClosingKafkaOffsetStore() {
        this(new AdminHolder());
    }

    private ClosingKafkaOffsetStore(AdminHolder admin) {
        super(admin, () -> "ferry-capture-offsets", KafkaConnectUtil.converterForOffsetStore());
        this.admin = admin;
    }

    @Override
    public void configure(WorkerConfig config) {
        Map<String, Object> props = new HashMap<>(config.originals());
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "ferry-capture-offsets-admin");
        admin.shared = new SharedTopicAdmin(props);
        super.configure(config);
    }

    @Override
    public void stop() {
        try {
            super.stop();
        } finally {
            if (admin.shared != null) {
                admin.shared.close();
                admin.shared = null;
            }
        }
    }

    /** Set in {@link #configure}, read by the store when it starts: the super constructor needs the supplier first. */
    private static final class AdminHolder implements java.util.function.Supplier<TopicAdmin> {
        private volatile SharedTopicAdmin shared;

        @Override
        public TopicAdmin get() {
            if (shared == null) {
                throw new IllegalStateException("offset store used before it was configured");
            }
            return shared.get();
        }
    }
}
