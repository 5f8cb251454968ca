package io.ferry.app.service;

import io.ferry.core.config.PipelineConfig;
import io.ferry.core.topic.TopicLayout;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.util.Properties;

/** What every stage of one service shares: the pipeline, where Kafka is, the meters and the data directory. */
record ServiceContext(PipelineConfig config, String bootstrapServers, MeterRegistry registry) {

    String pipeline() {
        return config.pipeline().name();
    }

    TopicLayout layout() {
        return config.kafka().layout(pipeline());
    }

    /** Kafka client settings every client starts from: the bootstrap servers and {@code kafka.properties}. */
    Properties clientBase() {
        Properties p = new Properties();
        p.putAll(config.kafka().properties());
        p.put("bootstrap.servers", bootstrapServers);
        return p;
    }

    Path dataDir() {
        return config.pipeline().dataDir();
    }
}
