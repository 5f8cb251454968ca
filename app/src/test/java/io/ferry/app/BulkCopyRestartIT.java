package io.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ferry.app.cli.Ferry;
import io.ferry.devstack.KafkaService;
import io.ferry.devstack.PostgresService;
import io.ferry.devstack.Service;
import io.ferry.devstack.junit.ChildJvm;
import io.ferry.devstack.junit.WithServices;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code ferry run} on the direct path with the sinks' bulk copy, killed with SIGKILL the moment its copy is done, rows
 * deleted and changed at the source while it is down, started again: the target must end up equal to the source. The
 * copy reads the source as it is and counts on every later change reaching the change topic; a capture that restarts
 * before its offsets recorded the end of its snapshot snapshots again from the current position and never logs the
 * changes made while it was down, so the copy must not begin before those offsets are stored.
 */
@WithServices({Service.POSTGRES, Service.KAFKA})
class BulkCopyRestartIT {

    private static final String SRC = "bulkrestart_src";
    private static final String DST = "bulkrestart_dst";

    @Test
    void aCopyDoneJustBeforeAKillLeavesNoRowThatWasDeletedWhileDown(PostgresService pg, KafkaService kafka) throws Exception {
        pg.createDatabase(SRC);
        pg.createDatabase(DST);
        sql(pg, SRC, "CREATE TABLE accounts (id integer PRIMARY KEY, name text NOT NULL)", "ALTER TABLE accounts REPLICA IDENTITY FULL",
                "INSERT INTO accounts SELECT g, 'account ' || g FROM generate_series(1, 2000) g",
                // read by a mapping with a relation: these go through Debezium's snapshot and the transform stage; without
                // the wait for capture's offsets the small copy above was done, and killed, while that snapshot still ran
                "CREATE TABLE items (id integer PRIMARY KEY, label text NOT NULL)",
                "CREATE TABLE orders (id integer PRIMARY KEY, item_id integer NOT NULL, note text)",
                "INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 1000) g",
                "INSERT INTO orders SELECT g, 1 + g % 1000, repeat('x', 100) FROM generate_series(1, 60000) g");
        Path dataDir = UsersPipeline.freshDir("bulkrestart-it");
        Path file = dataDir.resolveSibling("bulkrestart-it.yaml");
        Files.writeString(file, """
                pipeline:
                  name: bulkrestart
                  data_dir: %s
                kafka:
                  bootstrap_servers: %s
                  partitions: 2
                source:
                  type: postgres
                  host: %s
                  port: %d
                  database: %s
                  user: %s
                  password: %s
                  tables: [public.accounts, public.items, public.orders]
                  heartbeat: {interval: 1s}
                transform:
                  direct: true
                mappings:
                  - to: accounts
                    from: public.accounts
                    columns: {id: id, name: name}
                  - to: item_orders
                    from: public.items
                    related:
                      orders: {from: public.orders, on: {item_id: id}}
                    columns: {id: id, orders: count(orders)}
                sinks:
                  - name: pg
                    type: postgres
                    url: '%s'
                    user: %s
                    password: %s
                http: {enabled: false}
                validation: {continuous: false}
                """.formatted(dataDir, kafka.bootstrapServers(), pg.host(), pg.port(), SRC, pg.user(), pg.password(), pg.jdbcUrl(DST),
                pg.user(), pg.password()));
        Path firstLog = dataDir.resolveSibling("bulkrestart-it-first.log");
        Path secondLog = dataDir.resolveSibling("bulkrestart-it-second.log");
        Files.deleteIfExists(firstLog);
        Files.deleteIfExists(secondLog);

        Process first = ChildJvm.start(Ferry.class, "768m", "pipeline bulkrestart running", firstLog, "run", "--config", file.toString());
        try {
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(50)).until(() -> Files.readString(firstLog)
                    .contains("bulk copy of ferry.bulkrestart.change.public.accounts's table done"));
        } finally {
            first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(rows(pg, DST)).as("the copy wrote every row before the kill").hasSize(2000);
        String log = Files.readString(firstLog);
        int snapshotEnd = log.indexOf("of bulkrestart ends");
        assertThat(snapshotEnd).as("Debezium's snapshot of items and orders ended in the first run").isPositive();
        assertThat(log.indexOf("copying the table of ferry.bulkrestart.change.public.accounts in bulk"))
                .as("the copy began after the snapshot's end, once capture's offsets recorded it").isGreaterThan(snapshotEnd);
        sql(pg, SRC, "DELETE FROM accounts WHERE id <= 10", "UPDATE accounts SET name = 'renamed while down' WHERE id = 20",
                "INSERT INTO accounts VALUES (5001, 'added while down')");

        Process second = ChildJvm.start(Ferry.class, "768m", "pipeline bulkrestart running", secondLog, "run", "--config", file.toString());
        try {
            await().atMost(Duration.ofMinutes(3)).untilAsserted(() -> assertThat(rows(pg, DST)).as("the target after the restart")
                    .isEqualTo(rows(pg, SRC)));
            await().atMost(Duration.ofMinutes(2)).untilAsserted(() -> assertThat(counts(pg, DST, "SELECT id, orders FROM item_orders"))
                    .isEqualTo(counts(pg, SRC, "SELECT i.id, count(o.id) FROM items i LEFT JOIN orders o ON o.item_id = i.id GROUP BY i.id")));
            assertThat(Files.readString(secondLog)).as("capture streamed on from offsets that recorded its snapshot's end")
                    .doesNotContain("snapshot run");
        } finally {
            second.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static List<String> rows(PostgresService pg, String database) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = pg.connect(database); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id, name FROM accounts ORDER BY id")) {
            while (rs.next()) {
                out.add(rs.getInt(1) + "|" + rs.getString(2));
            }
        }
        return out;
    }

    private static List<String> counts(PostgresService pg, String database, String query) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = pg.connect(database); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query + " ORDER BY 1")) {
            while (rs.next()) {
                out.add(rs.getLong(1) + "|" + rs.getLong(2));
            }
        }
        return out;
    }

    private static void sql(PostgresService pg, String database, String... statements) throws SQLException {
        try (Connection c = pg.connect(database); Statement s = c.createStatement()) {
            for (String q : statements) {
                s.execute(q);
            }
        }
    }
}
