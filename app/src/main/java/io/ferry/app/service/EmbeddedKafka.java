package io.ferry.app.service;

import io.ferry.devstack.local.LocalKafka;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single-node Kafka (KRaft) a pipeline without {@code kafka.bootstrap_servers} runs in-process, its log
 * under {@code <data_dir>/kafka}: topics, offsets, Streams changelogs and transactions survive a restart
 * of the service. Only this process can use it, so one process runs every role.
 */
final class EmbeddedKafka implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);

    private final LocalKafka kafka;

    private EmbeddedKafka(LocalKafka kafka) {
        this.kafka = kafka;
    }

    static EmbeddedKafka start(Path dataDir) {
        Path logDir = dataDir.toAbsolutePath().resolve("kafka");
        log.info("no kafka.bootstrap_servers in the pipeline file: starting an embedded Kafka, its log in {}", logDir);
        EmbeddedKafka k = new EmbeddedKafka(LocalKafka.open(logDir, 0));
        log.info("embedded Kafka serves on {}", k.bootstrapServers());
        return k;
    }

    String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    @Override
    public void close() {
        kafka.close();
    }
}
