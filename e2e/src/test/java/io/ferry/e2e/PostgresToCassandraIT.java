package io.ferry.e2e;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import io.ferry.devstack.CassandraService;
import io.ferry.devstack.DevService;
import io.ferry.devstack.KafkaService;
import io.ferry.devstack.PostgresService;
import io.ferry.devstack.Service;
import io.ferry.devstack.junit.WithServices;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Migration 1, {@code config/postgres-to-cassandra.yaml}: scenario 1's users, sessions and events into Cassandra's
 * query tables, with session aggregates, a lookup join and the latest session's device joined into every event row,
 * events moving between partitions when their type or time changes. One of the two migrations that run the crash
 * steps in CI: SIGKILL of the service, a Cassandra restart and a Kafka restart while the writer runs.
 */
@WithServices({Service.POSTGRES, Service.CASSANDRA, Service.KAFKA})
class PostgresToCassandraIT implements Migration {

    private static final String KEYSPACE = "user_data";

    private final PostgresService pg;
    private final CassandraService cassandra;
    private final KafkaService kafka;
    private final UsersSource source;
    private CqlSession session;

    PostgresToCassandraIT(PostgresService pg, CassandraService cassandra, KafkaService kafka) {
        this.pg = pg;
        this.cassandra = cassandra;
        this.kafka = kafka;
        this.source = new UsersSource(pg, "e2e_cassandra_src", "ferry_users_to_cassandra");
    }

    @Test
    void migratesUnderLoadThroughCrashesAndReachesReady() throws Exception {
        new MigrationRun(this, kafka, true).run();
    }

    @AfterEach
    void closeSession() {
        if (session != null) {
            session.close();
        }
    }

    @Override
    public String example() {
        return "postgres-to-cassandra";
    }

    @Override
    public void prepare(int scale) throws Exception {
        source.create(scale);
        cql().execute("DROP KEYSPACE IF EXISTS " + KEYSPACE);
    }

    @Override
    public void configure(PipelineFile file) {
        file.postgresSource(pg, source.database());
        file.sink("cassandra").putAll(Map.of("contact_points", List.of(cassandra.host() + ":" + cassandra.port()),
                "local_datacenter", cassandra.localDatacenter(), "keyspace", KEYSPACE, "replication_factor", 1));
    }

    @Override
    public Connection connectSource() throws SQLException {
        return source.connect();
    }

    @Override
    public void transaction(Connection c, Random r) throws SQLException {
        source.transaction(c, r);
    }

    @Override
    public void addColumn(Connection c) throws SQLException {
        source.addColumn(c); // not in the mapping's columns: the Cassandra tables stay as they are
    }

    @Override
    public List<DevService> targets() {
        return List.of(cassandra);
    }

    /** The mapping, applied in SQL and Java: aggregates over sessions, the user's email and latest device on each event. */
    @Override
    public Map<String, List<String>> expected() throws Exception {
        Map<String, List<String>> out = new LinkedHashMap<>();
        String latestDevice = "(SELECT s2.device_info::text FROM user_sessions s2 WHERE s2.user_id = %s ORDER BY s2.last_activity DESC LIMIT 1)";
        try (Connection c = source.connect(); Statement s = c.createStatement()) {
            List<String> users = new ArrayList<>();
            try (ResultSet r = s.executeQuery("SELECT u.user_id, u.email, u.name, u.created_at, count(s.session_id), max(s.last_activity), "
                    + latestDevice.formatted("u.user_id") + " FROM users u LEFT JOIN user_sessions s ON s.user_id = u.user_id"
                    + " GROUP BY u.user_id")) {
                while (r.next()) {
                    users.add(user(r.getLong(1), r.getString(2), r.getString(3), millis(r, 4), r.getLong(5), millis(r, 6),
                            Rows.json(r.getString(7))));
                }
            }
            List<String> byUser = new ArrayList<>();
            List<String> byType = new ArrayList<>();
            try (ResultSet r = s.executeQuery("SELECT e.event_id, e.user_id, e.event_type, e.event_data::text, e.created_at, u.email, "
                    + latestDevice.formatted("e.user_id") + " FROM user_events e LEFT JOIN users u ON u.user_id = e.user_id")) {
                while (r.next()) {
                    Instant time = millis(r, 5);
                    String date = time == null ? null : time.atOffset(ZoneOffset.UTC).toLocalDate().toString();
                    String data = Rows.json(r.getString(4));
                    byUser.add(eventByUser(r.getLong(2), date, time, r.getString(1), r.getString(3), data, r.getString(6),
                            Rows.json(r.getString(7))));
                    byType.add(eventByType(r.getString(3), date, time, r.getString(1), r.getLong(2), data));
                }
            }
            out.put("users", sorted(users));
            out.put("user_events_by_user", sorted(byUser));
            out.put("events_by_type", sorted(byType));
        }
        return out;
    }

    @Override
    public Map<String, List<String>> actual() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        List<String> users = new ArrayList<>();
        for (Row r : cql().execute("SELECT * FROM " + KEYSPACE + ".users")) {
            users.add(user(r.getLong("user_id"), r.getString("email"), r.getString("name"), r.getInstant("created_at"),
                    r.getLong("session_count"), r.getInstant("last_login"), Rows.json(r.getString("last_device_info"))));
        }
        List<String> byUser = new ArrayList<>();
        for (Row r : cql().execute("SELECT * FROM " + KEYSPACE + ".user_events_by_user")) {
            byUser.add(eventByUser(r.getLong("user_id"), String.valueOf(r.getLocalDate("event_date")), r.getInstant("event_time"),
                    String.valueOf(r.getUuid("event_id")), r.getString("event_type"), Rows.json(r.getString("event_data")),
                    r.getString("user_email"), Rows.json(r.getString("device_info"))));
        }
        List<String> byType = new ArrayList<>();
        for (Row r : cql().execute("SELECT * FROM " + KEYSPACE + ".events_by_type")) {
            byType.add(eventByType(r.getString("event_type"), String.valueOf(r.getLocalDate("event_date")), r.getInstant("event_time"),
                    String.valueOf(r.getUuid("event_id")), r.getLong("user_id"), Rows.json(r.getString("event_data"))));
        }
        out.put("users", sorted(users));
        out.put("user_events_by_user", sorted(byUser));
        out.put("events_by_type", sorted(byType));
        return out;
    }

    private static String user(long id, String email, String name, Instant created, long sessions, Instant lastLogin, String device) {
        return "user_id=" + id + " | email=" + email + " | name=" + name + " | created_at=" + created + " | session_count=" + sessions
                + " | last_login=" + lastLogin + " | last_device_info=" + device;
    }

    private static String eventByUser(long user, String date, Instant time, String id, String type, String data, String email,
            String device) {
        return "user_id=" + user + " | event_date=" + date + " | event_time=" + time + " | event_id=" + id + " | event_type=" + type
                + " | event_data=" + data + " | user_email=" + email + " | device_info=" + device;
    }

    private static String eventByType(String type, String date, Instant time, String id, long user, String data) {
        return "event_type=" + type + " | event_date=" + date + " | event_time=" + time + " | event_id=" + id + " | user_id=" + user
                + " | event_data=" + data;
    }

    /** A naive source timestamp (UTC in this database) as Cassandra keeps it: an instant in milliseconds. */
    private static Instant millis(ResultSet r, int column) throws SQLException {
        LocalDateTime t = r.getObject(column, LocalDateTime.class);
        return t == null ? null : t.toInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS);
    }

    private static List<String> sorted(List<String> rows) {
        rows.sort(null);
        return rows;
    }

    private CqlSession cql() {
        if (session == null) {
            session = CqlSession.builder().addContactPoint(new InetSocketAddress(cassandra.host(), cassandra.port()))
                    .withLocalDatacenter(cassandra.localDatacenter()).build();
        }
        return session;
    }
}
