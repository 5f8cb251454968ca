package io.ferry.devstack.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The in-process broker (Ferry's embedded Kafka) as its clients see it. */
class LocalKafkaIT {

    @TempDir
    Path dir;

    @Test
    void theLogCleanersOffsetMapTakesSixteenMegabytesOfHeapNotKafkasDefault128() throws Exception {
        try (LocalKafka kafka = LocalKafka.open(dir.resolve("log"), 0);
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, "1");
            Config config = admin.describeConfigs(List.of(broker)).all().get(30, TimeUnit.SECONDS).get(broker);

            assertThat(config.get("log.cleaner.dedupe.buffer.size").value()).isEqualTo(Integer.toString(16 * 1024 * 1024));
            assertThat(config.get("log.cleaner.enable").value()).isEqualTo("true");
        }
    }
}
