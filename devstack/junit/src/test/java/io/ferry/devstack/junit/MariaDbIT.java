package io.ferry.devstack.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.devstack.MysqlService;
import io.ferry.devstack.Service;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

@WithServices(Service.MARIADB)
class MariaDbIT {

    @Test
    void binlogShowsARowEventWithAGtid(MysqlService db) throws SQLException {
        db.createDatabase("devstack_mariadb_it");
        try (Connection c = db.connect("devstack_mariadb_it"); Statement s = c.createStatement()) {
            assertThat(variable(s, "log_bin")).isEqualTo("ON");
            assertThat(variable(s, "binlog_format")).isEqualTo("ROW");
            assertThat(variable(s, "binlog_row_image")).isEqualTo("FULL");
            assertThat(variable(s, "server_id")).isEqualTo("1");

            s.execute("CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(50))");
            String file;
            try (ResultSet rs = s.executeQuery("SHOW MASTER STATUS")) {
                rs.next();
                file = rs.getString("File");
            }
            s.execute("INSERT INTO items VALUES (7, 'ferry')");

            List<String> events = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SHOW BINLOG EVENTS IN '" + file + "'")) {
                while (rs.next()) {
                    events.add(rs.getString("Event_type") + ": " + rs.getString("Info"));
                }
            }
            assertThat(events).anyMatch(e -> e.startsWith("Table_map") && e.contains("devstack_mariadb_it.items"));
            assertThat(events).anyMatch(e -> e.startsWith("Write_rows"));
            assertThat(events).anyMatch(e -> e.startsWith("Gtid"));
            // devstack's own account set-up at start stays out of the log that capture reads
            assertThat(events).noneMatch(e -> e.contains("IDENTIFIED BY"));
            assertThat(variable(s, "gtid_binlog_pos")).matches("\\d+-1-\\d+");
        }
    }

    private static String variable(Statement s, String name) throws SQLException {
        try (ResultSet rs = s.executeQuery("SHOW GLOBAL VARIABLES LIKE '" + name + "'")) {
            return rs.next() ? rs.getString("Value") : "(no such variable)";
        }
    }
}
