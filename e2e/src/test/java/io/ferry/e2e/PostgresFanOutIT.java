package io.ferry.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.ColumnDefinitions;
import com.datastax.oss.driver.api.core.cql.Row;
import io.ferry.devstack.CassandraService;
import io.ferry.devstack.DevService;
import io.ferry.devstack.KafkaService;
import io.ferry.devstack.PostgresService;
import io.ferry.devstack.Service;
import io.ferry.devstack.junit.WithServices;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Migration {@code config/postgres-fan-out.yaml}: one capture of golden scenario 1's source into two targets at
 * once, a 1:1 PostgreSQL copy ({@code reporting}) and Cassandra query tables ({@code user_analytics}: users with
 * their session count and last login, events by type and day), under the writer of {@link UsersSource} (new users,
 * sessions that change the aggregates, events that change type, day and id, deletes). Proves that both targets end
 * equal to what their own mappings make of the same source rows, that the column added to {@code users} reaches the
 * 1:1 copy ({@code evolution: evolve}) and not the Cassandra table with explicit columns, and that the gate waits
 * for both sinks. The poison is an event at {@code infinity}: Cassandra cannot hold its day, so that one row is
 * dead-lettered while the PostgreSQL copy takes it; once repaired at the source it reaches Cassandra, and the delete of
 * its old, unholdable key is no second dead letter. Crash steps only with {@code -Dferry.e2e.full=true}: the PostgreSQL target is the source's server.
 */
@WithServices({Service.POSTGRES, Service.CASSANDRA, Service.KAFKA})
class PostgresFanOutIT implements Migration {

    private static final String TARGET_DB = "e2e_fanout_dst";
    private static final String KEYSPACE = "user_analytics";
    private static final String POISON_EVENT = "00000000-0000-0000-0000-00000000dead";
    private static final DateTimeFormatter MILLIS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    /** The 1:1 copy's tables as one query each, run on the source and on the target alike. */
    private static final Map<String, String> REPORTING = Map.of(
            "users", "SELECT user_id, email, name, created_at, nickname FROM users",
            "user_sessions", "SELECT session_id, user_id, device_info, created_at, last_activity FROM user_sessions",
            "user_events", "SELECT event_id, user_id, event_type, event_data, created_at FROM user_events");

    private final PostgresService pg;
    private final CassandraService cassandra;
    private final KafkaService kafka;
    private final UsersSource source;

    PostgresFanOutIT(PostgresService pg, CassandraService cassandra, KafkaService kafka) {
        this.pg = pg;
        this.cassandra = cassandra;
        this.kafka = kafka;
        this.source = new UsersSource(pg, "e2e_fanout_src", "ferry_users_fan_out");
    }

    @Test
    void fansOutToPostgresAndCassandraUnderLoadAndReachesReady() throws Exception {
        new MigrationRun(this, kafka, false).run();
    }

    @Override
    public String example() {
        return "postgres-fan-out";
    }

    @Override
    public void prepare(int scale) throws Exception {
        source.create(scale);
        Postgres.recreate(pg, TARGET_DB, null);
        try (CqlSession session = cql()) {
            session.execute("DROP KEYSPACE IF EXISTS " + KEYSPACE);
        }
    }

    @Override
    public void configure(PipelineFile file) {
        file.postgresSource(pg, source.database());
        file.sink("reporting").putAll(Map.of("url", pg.jdbcUrl(TARGET_DB), "user", pg.user(), "password", pg.password()));
        Map<String, Object> sink = file.sink("cassandra");
        sink.put("contact_points", List.of(cassandra.host() + ":" + cassandra.port()));
        sink.put("local_datacenter", cassandra.localDatacenter());
    }

    @Override
    public Connection connectSource() throws SQLException {
        return source.connect();
    }

    @Override
    public void transaction(Connection c, Random random) throws SQLException {
        source.transaction(c, random);
    }

    @Override
    public void addColumn(Connection c) throws SQLException {
        source.addColumn(c);
    }

    @Override
    public List<DevService> targets() {
        return List.of(cassandra, pg);
    }

    @Override
    public Optional<Poison> poison() {
        return Optional.of(new Poison() {
            @Override
            public void write(Connection c) throws SQLException {
                // no user: the writer picks events by user, so it never touches this one
                UsersSource.update(c, "INSERT INTO user_events (event_id, user_id, event_type, event_data, created_at)"
                        + " VALUES (?::uuid, NULL, 'poison', '{\"why\": \"no end\"}', 'infinity')", POISON_EVENT);
            }

            @Override
            public String expectedReason() {
                return "Cassandra cannot hold a value: event_date: Cassandra's date cannot hold infinity";
            }

            @Override
            public void repair(Connection c) throws SQLException {
                // one sink's dead letter holds nothing up for the other: the PostgreSQL copy has the row, infinity and all
                await("the poisoned event in the PostgreSQL copy").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
                        .untilAsserted(() -> {
                            try (Connection target = pg.connect(TARGET_DB)) {
                                assertThat(Rows.query(target, "SELECT event_type, created_at FROM user_events WHERE event_id = '"
                                        + POISON_EVENT + "'")).containsExactly("event_type=poison | created_at=infinity");
                            }
                        });
                UsersSource.update(c, "UPDATE user_events SET created_at = timestamp '2024-12-31 23:59:59.999999' WHERE event_id = ?::uuid",
                        POISON_EVENT);
            }
        });
    }

    @Override
    public Map<String, List<String>> expected() throws Exception {
        Map<String, List<String>> out = new LinkedHashMap<>();
        try (Connection c = source.connect()) {
            for (var table : new java.util.TreeMap<>(REPORTING).entrySet()) {
                out.put("reporting " + table.getKey(), Rows.query(c, table.getValue()));
            }
            // count(sessions) and max(sessions.last_activity) per user; naive timestamps are UTC, Cassandra keeps milliseconds
            out.put(KEYSPACE + " users", Rows.query(c, "SELECT u.user_id, u.email, u.name, " + millis("u.created_at") + " AS created_at,"
                    + " count(s.session_id) AS session_count, " + millis("max(s.last_activity)") + " AS last_login FROM users u"
                    + " LEFT JOIN user_sessions s ON s.user_id = u.user_id GROUP BY u.user_id"));
            out.put(KEYSPACE + " events_by_type", Rows.query(c, "SELECT event_type, to_char(created_at, 'YYYY-MM-DD') AS event_date, "
                    + millis("created_at") + " AS event_time, event_id, user_id, event_data FROM user_events"));
        }
        // the 1:1 copy gains the added column; the Cassandra users table lists its columns and does not
        out.put("columns", List.of(
                "reporting user_events: created_at, event_data, event_id, event_type, user_id",
                "reporting user_sessions: created_at, device_info, last_activity, session_id, user_id",
                "reporting users: created_at, email, name, nickname, user_id",
                KEYSPACE + " events_by_type: event_data, event_date, event_id, event_time, event_type, user_id",
                KEYSPACE + " users: created_at, email, last_login, name, session_count, user_id"));
        return out;
    }

    @Override
    public Map<String, List<String>> actual() throws Exception {
        Map<String, List<String>> out = new LinkedHashMap<>();
        List<String> columns = new ArrayList<>();
        try (Connection c = pg.connect(TARGET_DB)) {
            for (var table : new java.util.TreeMap<>(REPORTING).entrySet()) {
                out.put("reporting " + table.getKey(), Rows.query(c, table.getValue()));
            }
            for (String line : Rows.query(c, "SELECT table_name || ': ' || string_agg(column_name, ', ' ORDER BY column_name) AS t"
                    + " FROM information_schema.columns WHERE table_schema = 'public' GROUP BY table_name")) {
                columns.add("reporting " + line.substring("t=".length()));
            }
        }
        try (CqlSession session = cql()) {
            out.put(KEYSPACE + " users", cqlRows(session, "SELECT user_id, email, name, created_at, session_count, last_login FROM "
                    + KEYSPACE + ".users", Set.of()));
            out.put(KEYSPACE + " events_by_type", cqlRows(session, "SELECT event_type, event_date, event_time, event_id, user_id, event_data"
                    + " FROM " + KEYSPACE + ".events_by_type", Set.of("event_data")));
            Map<String, List<String>> byTable = new java.util.TreeMap<>();
            for (Row r : session.execute("SELECT table_name, column_name FROM system_schema.columns WHERE keyspace_name = '" + KEYSPACE + "'")) {
                byTable.computeIfAbsent(r.getString(0), t -> new ArrayList<>()).add(r.getString(1));
            }
            byTable.forEach((table, names) -> columns.add(KEYSPACE + " " + table + ": " + String.join(", ", names.stream().sorted().toList())));
        }
        columns.sort(null);
        out.put("columns", columns);
        return out;
    }

    /** A naive timestamp as the UTC instant Cassandra holds: truncated (not rounded) to milliseconds. */
    private static String millis(String expression) {
        return "to_char(date_trunc('milliseconds', " + expression + "), 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')";
    }

    /** Rows of a CQL query in {@link Rows#query}'s rendering: instants at milliseconds in UTC, JSON text as a tree; sorted. */
    private static List<String> cqlRows(CqlSession session, String cql, Set<String> jsonColumns) {
        List<String> out = new ArrayList<>();
        for (Row r : session.execute(cql)) {
            ColumnDefinitions columns = r.getColumnDefinitions();
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns.size(); i++) {
                String name = columns.get(i).getName().asInternal();
                Object v = r.getObject(i);
                String text = v instanceof Instant t ? MILLIS.format(t)
                        : jsonColumns.contains(name) ? Rows.json((String) v) : String.valueOf(v);
                line.append(i == 0 ? "" : " | ").append(name).append('=').append(text);
            }
            out.add(line.toString());
        }
        out.sort(null);
        return out;
    }

    private CqlSession cql() {
        // schema changes take seconds on a small machine; the driver's 2 s default is for production clusters
        DriverConfigLoader config = DriverConfigLoader.programmaticBuilder()
                .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(60))
                .withDuration(DefaultDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT, Duration.ofSeconds(60))
                .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(30))
                .build();
        return CqlSession.builder().withConfigLoader(config).addContactPoint(new InetSocketAddress(cassandra.host(), cassandra.port()))
                .withLocalDatacenter(cassandra.localDatacenter()).build();
    }
}
