package io.ferry.app.bench;

import java.nio.file.Path;

/** The benchmark's pipeline file: the source's bench table copied 1:1 into the target. */
final class BenchPipeline {

    static final String NAME = "bench";

    private BenchPipeline() {
    }

    /**
     * @param direct the mapping takes the direct path ({@code transform.direct}; only PostgreSQL sources have it, the
     *     source table then has REPLICA IDENTITY FULL)
     * @param bootstrapServers a broker of its own ({@code --ferry-kafka external}); null: Ferry's embedded Kafka
     */
    static String yaml(Path dataDir, BenchSource source, BenchTarget target, int httpPort, boolean direct, String bootstrapServers) {
        String kafka = bootstrapServers == null ? "" : "kafka:\n  bootstrap_servers: " + bootstrapServers + "\n";
        return """
                # Written by `ferry bench`: Ferry's defaults everywhere but continuous validation, which would
                # compare every row in the middle of a measurement (the benchmark asks for one validation at the end).
                pipeline:
                  name: %s
                  data_dir: %s/state     # without a kafka section: an embedded Kafka under data_dir
                %ssource:
                %s  tables: [%s]
                sinks:
                %smappings:
                  - to: bench
                    from: %s
                transform:
                  direct: %s
                validation:
                  continuous: false
                http:
                  port: %d
                """.formatted(NAME, dataDir.toAbsolutePath(), kafka, source.yaml(), source.table(), target.sinkYaml(), source.table(), direct, httpPort);
    }
}
