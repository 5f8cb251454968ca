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
 * {@code ferry run} on the direct path with the sinks' bulk copy, killed with SIGKILL the moment its copy is done or in the
 * middle of it, rows deleted and changed at the source while it is down, started again: the target must end up equal to
 * the source. The
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
        Sql.run(pg, SRC, "CREATE TABLE accounts (id integer PRIMARY KEY, name text NOT NULL)", "ALTER TABLE accounts REPLICA IDENTITY FULL",
                "INSERT INTO accounts SELECT g, 'account ' || g FROM generate_series(1, 2000) g",
                // read by a mapping with a relation: these go through Debezium's snapshot and the transform stage; without
                // the wait for capture's offsets the small copy above was done, and killed, while that snapshot still ran
                "CREATE TABLE items (id integer PRIMARY KEY, label text NOT NULL)",
                "CREATE TABLE orders (id integer PRIMARY KEY, item_id integer NOT NULL, note text)",
                "INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 1000) g",
                "INSERT INTO orders SELECT g, 1 + g % 1000, repeat('x', 100) FROM generate_series(1, 60000) g");
        Path file = pipeline(pg, kafka, "bulkrestart", SRC, DST, "public.accounts, public.items, public.orders", """
                  - to: item_orders
                    from: public.items
                    related:
                      orders: {from: public.orders, on: {item_id: id}}
                    columns: {id: id, orders: count(orders)}
                """);
        Path firstLog = log(file, "first");
        Path secondLog = log(file, "second");

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
        Sql.run(pg, SRC, "DELETE FROM accounts WHERE id <= 10", "UPDATE accounts SET name = 'renamed while down' WHERE id = 20",
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

    /**
     * Killed in the middle of a copy: the group's offsets on the topic still carry the copy's mark, so the next run copies
     * the whole table again and then applies every change from where the topic ended when the first copy began, those
     * made during the first copy and those made while Ferry was down, to rows the first copy had written and to rows it
     * had not reached.
     */
    @Test
    void aCopyKilledHalfwayIsCopiedAgainAndTheChangesMadeMeanwhileAreApplied(PostgresService pg, KafkaService kafka) throws Exception {
        String src = "bulkhalf_src";
        String dst = "bulkhalf_dst";
        int total = 300_000;
        pg.createDatabase(src);
        pg.createDatabase(dst);
        Sql.run(pg, src, "CREATE TABLE accounts (id integer PRIMARY KEY, name text NOT NULL)", "ALTER TABLE accounts REPLICA IDENTITY FULL",
                "INSERT INTO accounts SELECT g, 'account ' || g FROM generate_series(1, " + total + ") g");
        Path file = pipeline(pg, kafka, "bulkhalf", src, dst, "public.accounts", "");
        Path firstLog = log(file, "first");
        Path secondLog = log(file, "second");

        Process first = ChildJvm.start(Ferry.class, "768m", "pipeline bulkhalf running", firstLog, "run", "--config", file.toString());
        long copiedAtKill;
        try {
            // the copy commits every batch of 5,000 rows: the first one in the target means the copy is under way
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(20)).until(() -> count(pg, dst) > 0);
            // a change made during the copy: logged after the offsets the copy noted, so applied after the copy
            Sql.run(pg, src, "UPDATE accounts SET name = 'renamed during the copy' WHERE id = 30");
        } finally {
            first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        copiedAtKill = count(pg, dst);
        assertThat(copiedAtKill).as("the kill came in the middle of the copy").isBetween(1L, total - 50_000L);
        assertThat(Files.readString(firstLog)).as("the first run's copy")
                .contains("copying the table of ferry.bulkhalf.change.public.accounts in bulk").doesNotContain("bulk copy of ferry.bulkhalf.change.public.accounts's table done");
        // while down: rows the first copy wrote and rows it had not reached are deleted and changed, one is added
        Sql.run(pg, src, "DELETE FROM accounts WHERE id <= 10", "UPDATE accounts SET name = 'renamed while down' WHERE id = 20",
                "DELETE FROM accounts WHERE id > " + (total - 10),
                "UPDATE accounts SET name = 'renamed while down' WHERE id = " + (total - 20),
                "INSERT INTO accounts VALUES (" + (total + 1) + ", 'added while down')");

        Process second = ChildJvm.start(Ferry.class, "768m", "pipeline bulkhalf running", secondLog, "run", "--config", file.toString());
        try {
            await().atMost(Duration.ofMinutes(4)).untilAsserted(() -> assertThat(accounts(pg, dst)).as("the target after the restart")
                    .isEqualTo(accounts(pg, src)));
            assertThat(rowsWhere(pg, dst, "id <= 30 OR id >= " + (total - 20))).as("the rows changed during the copy and while down")
                    .isEqualTo(rowsWhere(pg, src, "id <= 30 OR id >= " + (total - 20)));
            String log = Files.readString(secondLog);
            assertThat(log).as("the second run copied the table again")
                    .contains("the bulk copy of ferry.bulkhalf.change.public.accounts's table did not finish before; copying it again")
                    .contains("bulk copy of ferry.bulkhalf.change.public.accounts's table done")
                    .as("capture streamed on from offsets that recorded its snapshot's end").doesNotContain("snapshot run");
        } finally {
            second.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    /**
     * A direct pipeline with the bulk copy from {@code src} into {@code dst} of the given tables: {@code accounts} mapped
     * as it is, then {@code moreMappings} (YAML list items at the mappings' indentation, each line ending in a newline).
     */
    private static Path pipeline(PostgresService pg, KafkaService kafka, String name, String src, String dst, String tables,
            String moreMappings) throws java.io.IOException {
        Path dataDir = UsersPipeline.freshDir(name + "-it");
        Path file = dataDir.resolveSibling(name + "-it.yaml");
        Files.writeString(file, """
                pipeline:
                  name: %s
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
                  tables: [%s]
                  heartbeat: {interval: 1s}
                transform:
                  direct: true
                mappings:
                  - to: accounts
                    from: public.accounts
                    columns: {id: id, name: name}
                %ssinks:
                  - name: pg
                    type: postgres
                    url: '%s'
                    user: %s
                    password: %s
                http: {enabled: false}
                validation: {continuous: false}
                """.formatted(name, dataDir, kafka.bootstrapServers(), pg.host(), pg.port(), src, pg.user(), pg.password(), tables,
                moreMappings, pg.jdbcUrl(dst), pg.user(), pg.password()));
        return file;
    }

    /** A run's log beside the pipeline file, none left from an earlier run. */
    private static Path log(Path file, String run) throws java.io.IOException {
        Path log = file.resolveSibling(file.getFileName().toString().replace(".yaml", "-" + run + ".log"));
        Files.deleteIfExists(log);
        return log;
    }

    private static long count(PostgresService pg, String database) throws SQLException {
        try (Connection c = pg.connect(database); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM accounts")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return 0; // the sink has not created the table yet
            }
            throw e;
        }
    }

    private static List<String> rowsWhere(PostgresService pg, String database, String where) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = pg.connect(database); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id, name FROM accounts WHERE " + where + " ORDER BY id")) {
            while (rs.next()) {
                out.add(rs.getInt(1) + "|" + rs.getString(2));
            }
        }
        return out;
    }

    private static List<String> rows(PostgresService pg, String database) throws SQLException {
        return rowsWhere(pg, database, "true");
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

    /** The accounts table's digest ({@link Sql#digest}). */
    private static String accounts(PostgresService pg, String database) throws SQLException {
        return Sql.digest(pg, database, "accounts", "id, name");
    }
}
