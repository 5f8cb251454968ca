package io.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ferry.app.service.FerryService;
import io.ferry.app.service.Role;
import io.ferry.core.config.PipelineConfig;
import io.ferry.core.config.PipelineLoader;
import io.ferry.core.event.TableId;
import io.ferry.core.topic.DeadLetter;
import io.ferry.core.topic.TopicNames;
import io.ferry.devstack.PostgresService;
import io.ferry.devstack.Service;
import io.ferry.devstack.junit.WithServices;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

/**
 * {@code kafka.max_record_size} below the default, as on a cluster that caps message size: the topics are made for it, a
 * row over it is dead-lettered by capture, a document over it by transform, and everything else arrives.
 */
@WithServices(Service.POSTGRES)
class RecordLimitIT {

    private static final String SRC = "record_limit_src";
    private static final String DST = "record_limit_dst";
    private static final int LIMIT = 1024 * 1024;

    @Test
    void aLowerRecordLimitIsKeptByEveryStage(PostgresService pg) throws Exception {
        pg.createDatabase(SRC);
        pg.createDatabase(DST);
        Sql.run(() -> pg.connect(SRC), "CREATE TABLE docs (id INTEGER PRIMARY KEY, body TEXT)",
                "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)",
                "CREATE TABLE notes (id INTEGER PRIMARY KEY, customer_id INTEGER, body TEXT)",
                "INSERT INTO docs VALUES (1, 'small')", "INSERT INTO customers VALUES (1, 'ada'), (2, 'bob')",
                "INSERT INTO notes VALUES (10, 2, 'hello')");
        Path dataDir = UsersPipeline.freshDir("record-limit-it");
        Path file = dataDir.resolveSibling("record-limit-it.yaml");
        Files.writeString(file, """
                pipeline:
                  name: record-limit
                  data_dir: %s
                kafka:
                  partitions: 1
                  max_record_size: 1MiB
                source:
                  type: postgres
                  host: %s
                  port: %d
                  database: %s
                  user: %s
                  password: %s
                  tables: [public.docs, public.customers, public.notes]
                  heartbeat: {interval: 500ms}
                mappings:
                  - to: docs
                    from: public.docs
                  - to: customers
                    from: public.customers
                    columns:
                      id: id
                      name: name
                      notes:
                        nest:
                          from: public.notes
                          on: {customer_id: id}
                          key: [id]
                sinks:
                  - name: pg
                    type: postgres
                    url: '%s'
                    user: %s
                    password: %s
                validation:
                  continuous: false
                http: {enabled: false}
                """.formatted(dataDir, pg.host(), pg.port(), SRC, pg.user(), pg.password(), pg.jdbcUrl(DST), pg.user(), pg.password()));
        PipelineConfig config = PipelineLoader.standard().load(file);

        try (FerryService service = new FerryService(config, EnumSet.allOf(Role.class), new SimpleMeterRegistry()).start()) {
            await().atMost(Duration.ofMinutes(3)).ignoreExceptionsInstanceOf(SQLException.class).untilAsserted(() ->
                    assertThat(Sql.rows(() -> pg.connect(DST), "SELECT id FROM customers ORDER BY id")).containsExactly("1", "2"));
            // a row of 1.5 MiB (over the limit at capture), and notes that take customer 1's document past it (at transform)
            Sql.run(() -> pg.connect(SRC), "INSERT INTO docs VALUES (2, repeat('x', 1536 * 1024))",
                    "INSERT INTO notes SELECT g, 1, repeat('n', 400 * 1024) FROM generate_series(1, 3) g",
                    "INSERT INTO docs VALUES (3, 'after')", "UPDATE customers SET name = 'bobby' WHERE id = 2");
            await().atMost(Duration.ofMinutes(3)).ignoreExceptionsInstanceOf(SQLException.class).untilAsserted(() -> {
                assertThat(Sql.rows(() -> pg.connect(DST), "SELECT id FROM docs ORDER BY id")).containsExactly("1", "3");
                assertThat(Sql.rows(() -> pg.connect(DST), "SELECT name FROM customers WHERE id = 2")).containsExactly("bobby");
            });
            List<DeadLetter> letters = DeadLetters.read(service.bootstrapServers(), config.pipeline().name());
            assertThat(letters).extracting(DeadLetter::reason).containsExactlyInAnyOrder("change too large for Kafka",
                    "target record too large for 'customers'");
            assertThat(letters).allSatisfy(l -> assertThat(l.error()).contains("over Ferry's record limit of " + LIMIT));
            // the relational target takes the whole row at each note: two of 400 KiB fit, the third took it past the limit
            assertThat(Sql.rows(() -> pg.connect(DST), "SELECT jsonb_array_length(notes) FROM customers WHERE id = 1"))
                    .containsExactly("2");

            TopicNames names = new TopicNames(config.pipeline().name());
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", service.bootstrapServers()))) {
                for (String topic : List.of(names.change(TableId.parse("public.docs")), names.target("pg", "customers"), names.deadLetters())) {
                    var described = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, topic))).all()
                            .get(30, TimeUnit.SECONDS).values().iterator().next();
                    assertThat(described.get("max.message.bytes").value()).as(topic).isEqualTo(String.valueOf(LIMIT + 64 * 1024));
                }
            }
        }
    }
}
