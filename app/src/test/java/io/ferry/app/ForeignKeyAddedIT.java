package io.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ferry.app.service.FerryService;
import io.ferry.app.service.Role;
import io.ferry.core.config.PipelineConfig;
import io.ferry.core.config.PipelineLoader;
import io.ferry.devstack.MysqlService;
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
import org.junit.jupiter.api.Test;

/**
 * A foreign key with {@code ON DELETE CASCADE} added by {@code ALTER TABLE} while the service runs, MariaDB into
 * PostgreSQL: MariaDB's binlog carries neither the key nor the child rows its cascade deletes. Capture publishes the
 * child's schema with the key at the DDL (no change of the child needed), transform lays the two tables out anew with
 * the cascade, and a parent deleted takes its children out of the target too: right after the DDL (transform reads the
 * two tables again from the start with the new layout) and after the rebuild. Before, the key was known only from the
 * child's next change, and the children stayed in the target. The key's {@code ON UPDATE CASCADE} follows a parent's key
 * change into the target, without the delete's cascade.
 */
@WithServices({Service.MARIADB, Service.POSTGRES})
class ForeignKeyAddedIT {

    private static final String SRC = "fk_added_src";
    private static final String DST = "fk_added_dst";

    @Test
    void aCascadeAddedWhileRunningDeletesTheChildrenInTheTarget(MysqlService db, PostgresService pg) throws Exception {
        db.createDatabase(SRC);
        pg.createDatabase(DST);
        execute(db, "CREATE TABLE customers (id INTEGER PRIMARY KEY, name VARCHAR(64) NOT NULL)",
                "CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL, total DECIMAL(10,2) NOT NULL)",
                "INSERT INTO customers VALUES (1, 'ada'), (2, 'bob'), (3, 'cy')",
                "INSERT INTO orders VALUES (10, 1, 5.00), (11, 2, 6.50), (12, 2, 7.25), (13, 3, 1.00)");
        Path dataDir = UsersPipeline.freshDir("fk-added-it");
        Path file = dataDir.resolveSibling("fk-added-it.yaml");
        Files.writeString(file, """
                pipeline:
                  name: fk-added
                  data_dir: %s
                kafka:
                  partitions: 2
                source:
                  type: mariadb
                  host: %s
                  port: %d
                  database: %s
                  user: %s
                  password: %s
                  tables: ['%s\\.customers', '%s\\.orders']
                  server_id: 6311
                  heartbeat: {interval: 500ms}
                mappings:
                  - to: customers
                    from: %s.customers
                  - to: orders
                    from: %s.orders
                sinks:
                  - name: pg
                    type: postgres
                    url: '%s'
                    user: %s
                    password: %s
                validation:
                  continuous: false
                http: {enabled: false}
                """.formatted(dataDir, db.host(), db.port(), SRC, db.user(), db.password(), SRC, SRC, SRC, SRC,
                pg.jdbcUrl(DST), pg.user(), pg.password()));
        PipelineConfig config = PipelineLoader.standard().load(file);

        try (FerryService service = new FerryService(config, EnumSet.allOf(Role.class), new SimpleMeterRegistry()).start()) {
            awaitTargetMatches(db, pg);
            await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(transformDetail(service)).as("no foreign key yet")
                    .isEmpty());

            // no row of orders changes: the key comes from the DDL alone; the parent deleted right after it, before transform
            // rebuilt its topology, is cascaded when the two tables, now one group, are read again from the start
            execute(db, "ALTER TABLE orders ADD CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES customers(id) "
                    + "ON DELETE CASCADE ON UPDATE CASCADE", "DELETE FROM customers WHERE id = 2");
            assertThat(query(db, "SELECT id FROM orders ORDER BY id")).as("MariaDB cascaded").containsExactly("10", "13");
            awaitTargetMatches(db, pg);
            await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(transformDetail(service))
                    .isEqualTo("1 foreign key cascades unlogged at the source"));

            // and a parent deleted after the rebuild
            execute(db, "UPDATE customers SET name = 'cy2' WHERE id = 3", "DELETE FROM customers WHERE id = 1");
            assertThat(query(db, "SELECT id FROM orders ORDER BY id")).containsExactly("13");
            awaitTargetMatches(db, pg);
            assertThat(service.validate().clean()).isTrue();

            // a parent's key changed: the binlog has a delete and an insert of customers, and not the order MariaDB moved to
            // the new key by ON UPDATE CASCADE; the order follows in the target. Before session 31 the delete half ran the
            // ON DELETE CASCADE, and order 13 left the target while the source kept it.
            execute(db, "UPDATE customers SET id = 30 WHERE id = 3", "INSERT INTO orders VALUES (14, 30, 2.00)");
            assertThat(query(db, "SELECT id, customer_id FROM orders ORDER BY id")).containsExactly("13|30", "14|30");
            awaitTargetMatches(db, pg);
            assertThat(service.validate().clean()).isTrue();
        }
    }

    private static String transformDetail(FerryService service) {
        return service.stages().stream().filter(s -> s.stage().equals("transform") && s.state().equals("RUNNING"))
                .map(s -> s.detail()).findFirst().orElse("(not running)");
    }

    private static void awaitTargetMatches(MysqlService db, PostgresService pg) {
        // the target tables are made by the sink with the first rows
        await().atMost(Duration.ofMinutes(3)).ignoreExceptionsInstanceOf(SQLException.class).untilAsserted(() -> {
            for (String sql : List.of("SELECT id, name FROM customers ORDER BY id", "SELECT id, customer_id, total FROM orders ORDER BY id")) {
                assertThat(Sql.rows(() -> pg.connect(DST), sql)).as(sql).isEqualTo(query(db, sql));
            }
        });
    }

    private static List<String> query(MysqlService db, String sql) throws SQLException {
        return Sql.rows(() -> db.connect(SRC), sql);
    }

    private static void execute(MysqlService db, String... statements) throws SQLException {
        Sql.run(() -> db.connect(SRC), statements);
    }
}
