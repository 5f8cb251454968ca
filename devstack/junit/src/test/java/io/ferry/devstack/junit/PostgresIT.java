package io.ferry.devstack.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.devstack.PostgresService;
import io.ferry.devstack.Service;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@WithServices(Service.POSTGRES)
class PostgresIT {

    private static final String DB = "devstack_pg_it";

    @BeforeAll
    static void createDatabase(PostgresService pg) {
        pg.createDatabase(DB);
    }

    @Test
    void logicalDecodingThroughPgoutputSeesAnInsert(PostgresService pg) throws SQLException {
        try (Connection c = pg.connect(DB); Statement s = c.createStatement()) {
            assertThat(scalar(s, "SHOW wal_level")).isEqualTo("logical");
            s.execute("CREATE TABLE items (id int PRIMARY KEY, name text)");
            s.execute("CREATE PUBLICATION items_pub FOR TABLE items");
            s.execute("SELECT pg_create_logical_replication_slot('items_slot', 'pgoutput')");
            s.execute("INSERT INTO items VALUES (42, 'ferry-marker')");

            List<Character> kinds = new ArrayList<>();
            String payloads = "";
            try (ResultSet rs = s.executeQuery("SELECT data FROM pg_logical_slot_get_binary_changes('items_slot', NULL, NULL,"
                    + " 'proto_version', '1', 'publication_names', 'items_pub')")) {
                while (rs.next()) {
                    byte[] message = rs.getBytes(1);
                    kinds.add((char) message[0]);
                    payloads += new String(message, StandardCharsets.ISO_8859_1);
                }
            }
            // pgoutput: Begin, Relation, Insert, Commit
            assertThat(kinds).containsExactly('B', 'R', 'I', 'C');
            assertThat(payloads).contains("items").contains("ferry-marker");
            s.execute("SELECT pg_drop_replication_slot('items_slot')");
        }
    }

    @Test
    void restartKeepsPortAndData(PostgresService pg) throws SQLException {
        try (Connection c = pg.connect(DB); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE survivors (id int PRIMARY KEY)");
            s.execute("INSERT INTO survivors VALUES (1), (2)");
        }
        int port = pg.port();
        pg.restart();
        assertThat(pg.port()).isEqualTo(port);
        try (Connection c = pg.connect(DB); Statement s = c.createStatement()) {
            assertThat(scalar(s, "SELECT count(*) FROM survivors")).isEqualTo("2");
        }
    }

    private static String scalar(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
