package io.ferry.app.bench;

import io.ferry.devstack.PostgresService;
import java.nio.file.Path;

/** The benchmark's pipeline file: public.bench copied 1:1 into another PostgreSQL database through the embedded Kafka. */
final class BenchPipeline {

    static final String NAME = "bench";

    private BenchPipeline() {
    }

    static String yaml(Path dataDir, PostgresService pg, String sourceDatabase, String targetDatabase) {
        return """
                # Written by `ferry bench`: Ferry's defaults everywhere but continuous validation, which would
                # compare every row in the middle of a measurement.
                pipeline:
                  name: %8$s
                  data_dir: %1$s/state     # no kafka section: an embedded Kafka under data_dir
                source:
                  type: postgres
                  host: %2$s
                  port: %3$d
                  database: %6$s
                  user: %4$s
                  password: %5$s
                  tables: [public.bench]
                sinks:
                  - name: pg
                    type: postgres
                    url: jdbc:postgresql://%2$s:%3$d/%7$s
                    user: %4$s
                    password: %5$s
                mappings:
                  - to: bench
                    from: public.bench
                validation:
                  continuous: false
                http:
                  port: 0                  # any free port: the benchmark reads the database, not /status
                """.formatted(dataDir.toAbsolutePath(), pg.host(), pg.port(), pg.user(), pg.password(), sourceDatabase, targetDatabase, NAME);
    }
}
