package io.ferry.e2e;

import io.ferry.devstack.DevService;
import io.ferry.devstack.KafkaService;
import io.ferry.devstack.MysqlService;
import io.ferry.devstack.PostgresService;
import io.ferry.devstack.Service;
import io.ferry.devstack.junit.WithServices;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Migration 4, {@code config/mysql-to-postgres.yaml}: a vendor migration of scenario 2's tables, kept relational, under
 * the same workload as the MongoDB migration (key changes, moves, unlogged cascades two levels deep), plus a
 * {@code shop.type_samples} table the test adds to the source and, 1:1, to the mappings: unsigned integers up to
 * 18446744073709551615, DATETIME with and without fractions, zero dates (NULL in PostgreSQL), TIMESTAMP, TIME, ENUM,
 * JSON, TINYINT(1) holding 2, decimals, doubles, unicode and large text, blobs, NULLs. The independent check compares
 * every value as text computed by each database from its own type, and the target's column types against
 * docs/types.md; the column added to customers reaches the target ({@code evolution: evolve}). The poisoned change is
 * a TIME beyond 24 hours, which PostgreSQL's {@code time} cannot hold. Crash steps only with
 * {@code -Dferry.e2e.full=true}.
 */
@WithServices({Service.MYSQL, Service.POSTGRES, Service.KAFKA})
class MysqlToPostgresIT implements Migration {

    private static final String TARGET = "e2e_shop_dst";
    private static final DateTimeFormatter DATETIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");
    private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);
    private static final String[] LABELS = {"new", "in_progress", "completed"};
    private static final String SAMPLES_DDL = "CREATE TABLE type_samples (id BIGINT PRIMARY KEY, iu INT UNSIGNED, bu BIGINT UNSIGNED,"
            + " ti TINYINT, flag TINYINT(1), amount DECIMAL(20,6), dbl DOUBLE, dt6 DATETIME(6), dt DATETIME, d DATE,"
            + " ts TIMESTAMP(6) NULL DEFAULT NULL, tm TIME(6), e ENUM('new','in_progress','completed'), j JSON, txt TEXT,"
            + " bl BLOB)";
    private static final String SAMPLE_COLUMNS = "iu, bu, ti, flag, amount, dbl, dt6, dt, d, ts, tm, e, j, txt, bl";
    private static final long POISON_ID = -1;

    /** How a column is read on each side so that equal values print equal: by what the mapping makes of it. */
    private enum Kind { PLAIN, TEXT, BOOL, TIMESTAMPTZ, TIMESTAMP, DATE, TIME, JSON, HEX }

    private record Col(String name, Kind kind) {
        String mysql() {
            return switch (kind) {
                case PLAIN -> name;
                case TEXT -> "CAST(" + name + " AS CHAR)";
                case BOOL -> "CASE WHEN " + name + " IS NULL THEN NULL WHEN " + name + " <> 0 THEN 'true' ELSE 'false' END";
                // zero dates are NULL in the target
                case TIMESTAMPTZ, TIMESTAMP -> "NULLIF(DATE_FORMAT(" + name + ", '%Y-%m-%d %H:%i:%s.%f'), '0000-00-00 00:00:00.000000')";
                case DATE -> "NULLIF(DATE_FORMAT(" + name + ", '%Y-%m-%d'), '0000-00-00')";
                case TIME -> "TIME_FORMAT(" + name + ", '%H:%i:%s.%f')";
                case JSON -> name;
                case HEX -> "LOWER(HEX(" + name + "))";
            } + " AS " + name;
        }

        String postgres() {
            return switch (kind) {
                case PLAIN, JSON -> name;
                case TEXT, BOOL -> name + "::text";
                case TIMESTAMPTZ -> "to_char(" + name + " AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')";
                case TIMESTAMP -> "to_char(" + name + ", 'YYYY-MM-DD HH24:MI:SS.US')";
                case DATE -> "to_char(" + name + ", 'YYYY-MM-DD')";
                case TIME -> "to_char(" + name + ", 'HH24:MI:SS.US')";
                case HEX -> "encode(" + name + ", 'hex')";
            } + " AS " + name;
        }
    }

    private final MysqlService mysql;
    private final PostgresService pg;
    private final KafkaService kafka;
    private final ShopSource source;
    private int samples;
    private long nextSample;

    MysqlToPostgresIT(MysqlService mysql, PostgresService pg, KafkaService kafka) {
        this.mysql = mysql;
        this.pg = pg;
        this.kafka = kafka;
        this.source = new ShopSource(mysql);
    }

    @Test
    void migratesTablesAndTypesToPostgresUnderLoadAndReachesReady() throws Exception {
        new MigrationRun(this, kafka, false).run();
    }

    @Override
    public String example() {
        return "mysql-to-postgres";
    }

    @Override
    public void prepare(int scale) throws Exception {
        source.create(scale);
        Postgres.recreate(pg, TARGET, null);
        samples = 2000 * scale;
        nextSample = samples + 1;
        try (Connection c = source.connect()) {
            try (Statement s = c.createStatement()) {
                s.execute(SAMPLES_DDL);
            }
            c.setAutoCommit(false);
            try (PreparedStatement p = c.prepareStatement(insertSample())) {
                for (long id = 1; id <= samples; id++) {
                    bindSample(p, id, id);
                    p.addBatch();
                }
                p.executeBatch();
            }
            c.commit();
        }
    }

    private static String insertSample() {
        return "INSERT INTO type_samples (id, " + SAMPLE_COLUMNS + ") VALUES (?" + ", ?".repeat(15) + ")";
    }

    /** The row number {@code g}'s values, written from text where MySQL's own parsing is the point (zero dates, limits). */
    private static void bindSample(PreparedStatement p, long id, long g) throws SQLException {
        p.setLong(1, id);
        p.setObject(2, g % 13 == 0 ? null : g % 50 == 0 ? 4294967295L : g * 2654435761L % 4294967296L);
        p.setString(3, g % 40 == 0 ? "18446744073709551615" : g % 41 == 0 ? "9223372036854775808" : g % 43 == 0 ? null
                : BigInteger.valueOf(g).multiply(BigInteger.valueOf(1_000_000_000_039L)).pow(2).mod(TWO_64).toString());
        p.setInt(4, (int) (g % 256) - 128);
        p.setObject(5, g % 11 == 0 ? null : g % 7 == 0 ? 2 : (int) (g % 2));
        p.setBigDecimal(6, BigDecimal.valueOf(g * 1_234_567_891L * (g % 2 == 0 ? 1 : -1), 6));
        p.setObject(7, g % 19 == 0 ? null : g / 7.0);
        LocalDateTime t = LocalDateTime.of(2024, 3, 15, 10, 30).plusNanos(g * 1_123_457_000L);
        p.setString(8, g == 1 ? "1000-01-01 00:00:00" : g == 2 ? "9999-12-31 23:59:59.999999" : g % 60 == 0 ? "0000-00-00 00:00:00"
                : g % 61 == 0 ? null : t.format(DATETIME));
        p.setString(9, g % 70 == 0 ? "0000-00-00 00:00:00" : t.plusDays(g).withNano(0).format(DATETIME));
        p.setString(10, g % 30 == 0 ? "0000-00-00" : g % 31 == 0 ? null : t.toLocalDate().plusDays(g * 3).toString());
        p.setString(11, g % 17 == 0 ? null : LocalDateTime.of(2001, 1, 1, 0, 0).plusNanos(g * 61_500_001_000L).format(DATETIME));
        p.setString(12, g % 23 == 0 ? null : String.format("%02d:%02d:%02d.%06d", g % 24, g % 60, (g * 7) % 60, g * 37 % 1_000_000));
        p.setString(13, g % 9 == 0 ? null : LABELS[(int) (g % 3)]);
        p.setString(14, g % 29 == 0 ? null : g % 97 == 0 ? "{\"blob\": \"" + "x€".repeat(5000) + "\", \"g\": " + g + "}"
                : "{\"g\": " + g + ", \"nested\": {\"arr\": [1, \"two\", null, 2.5, " + (9_007_199_254_740_993L + g) + "]}, \"ü\": \"ß 🚢\"}");
        p.setString(15, g % 27 == 0 ? null : g % 101 == 0 ? "große Daten ✓ ".repeat(3000) : "text " + g + " Grüße 世界 🚢 'quoted' \\ back");
        p.setBytes(16, g % 33 == 0 ? null : java.security.MessageDigest.class.getName().substring(0, (int) (g % 20)).getBytes());
    }

    @Override
    public void configure(PipelineFile file) {
        // locally MariaDB stands in for MySQL, and Ferry reads it with the MariaDB connector
        file.set("source.type", mysql.flavor() == MysqlService.Flavor.MARIADB ? "mariadb" : "mysql").set("source.host", mysql.host())
                .set("source.port", mysql.port()).set("source.user", mysql.user()).set("source.password", mysql.password());
        file.sink("postgres").putAll(Map.of("url", pg.jdbcUrl(TARGET), "user", pg.user(), "password", pg.password()));
        // the example captures shop\..* already; the table needs its mapping
        file.mappings().add(new LinkedHashMap<>(Map.of("to", "type_samples", "from", "shop.type_samples")));
    }

    @Override
    public Connection connectSource() throws SQLException {
        return source.connect();
    }

    @Override
    public void transaction(Connection c, Random r) throws SQLException {
        source.transaction(c, r);
        long id = 1 + r.nextInt(samples);
        switch (r.nextInt(4)) {
            // every column anew from another row number
            case 0 -> {
                ShopSource.update(c, "DELETE FROM type_samples WHERE id = ?", id);
                try (PreparedStatement p = c.prepareStatement(insertSample())) {
                    bindSample(p, id, r.nextInt(100_000));
                    p.executeUpdate();
                }
            }
            case 1 -> ShopSource.update(c, "UPDATE type_samples SET bu = ?, dt6 = ?, d = ? WHERE id = ?",
                    r.nextBoolean() ? "18446744073709551615" : Long.toString(r.nextLong() & Long.MAX_VALUE),
                    r.nextBoolean() ? "0000-00-00 00:00:00" : "2025-01-01 00:00:00." + (100_000 + r.nextInt(900_000)),
                    r.nextBoolean() ? "0000-00-00" : "2025-02-28", id);
            case 2 -> ShopSource.update(c, "DELETE FROM type_samples WHERE id = ?", id);
            default -> {
                try (PreparedStatement p = c.prepareStatement(insertSample())) {
                    bindSample(p, nextSample++, r.nextInt(100_000));
                    p.executeUpdate();
                }
            }
        }
    }

    @Override
    public boolean truncate(Connection c) throws SQLException {
        source.truncate(c);
        return true;
    }

    @Override
    public void addColumn(Connection c) throws SQLException {
        source.addColumn(c);
    }

    @Override
    public List<DevService> targets() {
        return List.of(pg);
    }

    @Override
    public Optional<Poison> poison() {
        return Optional.of(new Poison() {
            @Override
            public void write(Connection c) throws SQLException {
                try (PreparedStatement p = c.prepareStatement(insertSample())) {
                    bindSample(p, POISON_ID, 5);
                    p.executeUpdate();
                }
                // MySQL's TIME is a duration up to 838 hours; PostgreSQL's time ends at 24:00
                ShopSource.update(c, "UPDATE type_samples SET tm = '100:30:00' WHERE id = ?", POISON_ID);
            }

            @Override
            public String expectedReason() {
                return "tm";
            }

            @Override
            public void repair(Connection c) throws SQLException {
                ShopSource.update(c, "UPDATE type_samples SET tm = '04:30:00' WHERE id = ?", POISON_ID);
            }
        });
    }

    /** Target tables and their columns, each read by the kind of value the mapping makes of it. */
    private Map<String, List<Col>> tables() {
        Map<String, List<Col>> t = new LinkedHashMap<>();
        t.put("customers", cols("customer_id first_name last_name email phone " + ShopSource.ADDED_COLUMN, "created_at:TIMESTAMPTZ updated_at:TIMESTAMPTZ"));
        t.put("customer_addresses", cols("address_id customer_id address_type street city state zip_code country", "is_active:BOOL"));
        t.put("customer_preferences", cols("customer_id theme", "marketing_emails:BOOL sms_notifications:BOOL preferences_json:JSON"));
        t.put("orders", cols("order_id customer_id total_amount status shipping_method shipping_cost tracking_number", "order_date:TIMESTAMPTZ"));
        t.put("order_items", cols("item_id order_id product_id product_name quantity unit_price category", ""));
        t.put("payment_methods", cols("method_id customer_id type last_four expires", "is_default:BOOL"));
        t.put("type_samples", cols("id ti amount dbl e txt", "iu:TEXT bu:TEXT flag:TEXT dt6:TIMESTAMP dt:TIMESTAMP d:DATE ts:TIMESTAMPTZ"
                + " tm:TIME j:JSON bl:HEX"));
        return t;
    }

    private static List<Col> cols(String plain, String typed) {
        List<Col> out = new ArrayList<>();
        for (String name : plain.split(" ")) {
            out.add(new Col(name, Kind.PLAIN));
        }
        for (String spec : typed.isBlank() ? new String[0] : typed.split(" ")) {
            String[] nk = spec.split(":");
            out.add(new Col(nk[0], Kind.valueOf(nk[1])));
        }
        return out;
    }

    @Override
    public Map<String, List<String>> expected() throws Exception {
        Map<String, List<String>> out = new LinkedHashMap<>();
        try (Connection c = source.connect()) {
            for (var t : tables().entrySet()) {
                out.put(t.getKey(), Rows.query(c, "SELECT " + t.getValue().stream().map(Col::mysql).collect(Collectors.joining(", "))
                        + " FROM " + t.getKey(), jsonColumns(t.getValue())));
            }
            out.put("(column types)", expectedColumnTypes(c));
        }
        return out;
    }

    @Override
    public Map<String, List<String>> actual() throws Exception {
        Map<String, List<String>> out = new LinkedHashMap<>();
        try (Connection c = pg.connect(TARGET)) {
            for (var t : tables().entrySet()) {
                out.put(t.getKey(), Rows.query(c, "SELECT " + t.getValue().stream().map(Col::postgres).collect(Collectors.joining(", "))
                        + " FROM " + t.getKey(), jsonColumns(t.getValue())));
            }
            out.put("(column types)", Rows.query(c, "SELECT table_name || '.' || column_name || ' ' || data_type"
                    + " || CASE WHEN data_type = 'numeric' THEN '(' || numeric_precision || ',' || numeric_scale || ')'"
                    + " WHEN data_type LIKE 'time%' THEN '(' || datetime_precision || ')' ELSE '' END AS c"
                    + " FROM information_schema.columns WHERE table_schema = 'public'"));
        }
        return out;
    }

    private static Set<String> jsonColumns(List<Col> cols) {
        return cols.stream().filter(c -> c.kind() == Kind.JSON).map(Col::name).collect(Collectors.toSet());
    }

    /** The PostgreSQL type of every source column by docs/types.md, and boolean where the mapping casts a TINYINT(1). */
    private static List<String> expectedColumnTypes(Connection c) throws SQLException {
        Set<String> casts = Set.of("customer_addresses.is_active", "customer_preferences.marketing_emails",
                "customer_preferences.sms_notifications", "payment_methods.is_default");
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT TABLE_NAME, COLUMN_NAME, DATA_TYPE, COLUMN_TYPE,"
                + " NUMERIC_PRECISION, NUMERIC_SCALE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '" + ShopSource.DATABASE + "'")) {
            while (r.next()) {
                String column = r.getString(1) + "." + r.getString(2);
                String columnType = r.getString(4).toLowerCase(Locale.ROOT);
                boolean unsigned = columnType.contains("unsigned");
                String type = casts.contains(column) ? "boolean" : switch (r.getString(3).toLowerCase(Locale.ROOT)) {
                    case "tinyint", "smallint" -> "smallint";
                    case "mediumint" -> "integer";
                    case "int" -> unsigned ? "bigint" : "integer";
                    case "bigint" -> unsigned ? "numeric(20,0)" : "bigint";
                    case "decimal" -> "numeric(" + r.getInt(5) + "," + r.getInt(6) + ")";
                    case "double" -> "double precision";
                    case "varchar", "char", "text", "enum", "mediumtext" -> "text";
                    // MariaDB's JSON is a LONGTEXT with a JSON_VALID check
                    case "json", "longtext" -> "jsonb";
                    case "datetime" -> "timestamp without time zone(6)";
                    case "timestamp" -> "timestamp with time zone(6)";
                    case "time" -> "time without time zone(6)";
                    case "date" -> "date";
                    case "blob" -> "bytea";
                    default -> "(no rule for " + columnType + ")";
                };
                out.add("c=" + column + " " + type);
            }
        }
        out.sort(null);
        return out;
    }
}
