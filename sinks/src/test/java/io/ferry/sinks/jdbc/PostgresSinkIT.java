package io.ferry.sinks.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.core.event.Row;
import io.ferry.core.event.SourceInfo;
import io.ferry.core.event.TargetEvent;
import io.ferry.core.schema.Column;
import io.ferry.core.spi.Sink;
import io.ferry.core.spi.SinkFactory;
import io.ferry.core.spi.TargetTable;
import io.ferry.core.types.CanonicalType;
import io.ferry.core.types.ColumnType;
import io.ferry.devstack.PostgresService;
import io.ferry.devstack.Service;
import io.ferry.devstack.junit.WithServices;
import io.ferry.sinks.SinkOptionsFixture;
import io.ferry.sinks.runtime.RuntimeSinkContext;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@WithServices(Service.POSTGRES)
class PostgresSinkIT extends JdbcSinkContractIT {

    private static PostgresService pg;

    @BeforeAll
    static void database(PostgresService postgres) {
        pg = postgres;
        pg.createDatabase("sink_pg");
    }

    @Override
    protected SinkFactory factory() {
        return new PostgresSinkFactory();
    }

    @Override
    protected String options() {
        return "url: " + pg.jdbcUrl("sink_pg") + "\nuser: " + pg.user() + "\npassword: " + pg.password() + "\n";
    }

    @Override
    protected Column poisonColumn() {
        return new Column("amount", ColumnType.decimal(5, 2), true);
    }

    /**
     * A {@code bytea[]} holds the bytes, not their base64 text (the array literal carried the canonical base64 as each
     * element's text), and reads back as the canonical base64; through the multi-row upsert and the COPY path alike.
     */
    @Test
    void byteArraysHoldTheBytes() throws Exception {
        TargetTable t = TargetTable.keyed("blobs", List.of(new Column("id", ColumnType.of(CanonicalType.INT64), false),
                new Column("parts", ColumnType.arrayOf(ColumnType.of(CanonicalType.BYTES)), true)), List.of("id"));
        com.fasterxml.jackson.databind.node.ArrayNode parts = F.arrayNode().add("AAH/").addNull().add("");
        try (Sink sink = factory().create(new RuntimeSinkContext("contract", "blobs", SinkOptionsFixture.bind(factory(), options()),
                () -> Map.of(t.name(), t)))) {
            for (int rows : new int[] {1, 600}) { // 600 rows take the COPY path
                List<TargetEvent> batch = new java.util.ArrayList<>();
                for (int id = 1; id <= rows; id++) {
                    Row key = Row.builder().put("id", F.numberNode(id)).build();
                    batch.add(new TargetEvent.Upsert(t.name(), key, key.with("parts", id == 2 ? F.arrayNode() : parts),
                            new SourceInfo("s", "p", null, rows, false)));
                }
                sink.write(batch);
                try (Connection c = pg.connect("sink_pg"); Statement s = c.createStatement();
                        java.sql.ResultSet rs = s.executeQuery("SELECT encode(parts[1], 'hex'), parts[2] IS NULL, length(parts[3]) FROM blobs WHERE id = 1")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).as("the first element's bytes").isEqualTo("0001ff");
                    assertThat(rs.getBoolean(2)).isTrue();
                    assertThat(rs.getInt(3)).isZero();
                }
                List<Row> back = new java.util.ArrayList<>();
                ((io.ferry.core.spi.RowReader) sink).read(t.name(), io.ferry.core.spi.KeyRange.ALL, back::add);
                assertThat(back.get(0).get("parts")).isEqualTo(parts);
                if (rows > 1) {
                    assertThat(back.get(1).get("parts")).as("an empty array").isEqualTo(F.arrayNode());
                }
                try (Connection c = pg.connect("sink_pg"); Statement s = c.createStatement()) {
                    s.execute("TRUNCATE blobs");
                }
            }
        }
    }

    /**
     * A widened decimal's new digits survive the bulk path's staging table: it was made {@code LIKE} the target once per
     * connection and kept the old {@code numeric(10,2)} after the widening, so its COPY rounded 1.2345 to 1.23 without a word.
     */
    @Test
    void aWidenedColumnIsWidenedInTheStagingTableToo() throws Exception {
        Column id = new Column("id", ColumnType.of(CanonicalType.INT64), false);
        TargetTable narrow = TargetTable.keyed("widened", List.of(id, new Column("amount", ColumnType.decimal(10, 2), true)), List.of("id"));
        TargetTable wide = TargetTable.keyed("widened", List.of(id, new Column("amount", ColumnType.decimal(14, 4), true)), List.of("id"));
        Map<String, TargetTable> shapes = new java.util.concurrent.ConcurrentHashMap<>(Map.of("widened", narrow));
        try (Sink sink = factory().create(new RuntimeSinkContext("contract", "widened", SinkOptionsFixture.bind(factory(), options()),
                () -> Map.copyOf(shapes)))) {
            // 600 rows take the COPY path; written twice, the second time through the staging table (the keys exist)
            for (String amount : new String[] {"1.00", "2.50"}) {
                sink.write(amounts(600, amount));
            }
            shapes.put("widened", wide);
            sink.write(amounts(600, "1.2345"));
            try (Connection c = pg.connect("sink_pg"); Statement s = c.createStatement();
                    java.sql.ResultSet rs = s.executeQuery("SELECT count(*) FILTER (WHERE amount = 1.2345), count(*) FROM widened")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).as("rows holding the widened value").isEqualTo(600);
                assertThat(rs.getLong(2)).isEqualTo(600);
            }
        }
    }

    private static List<TargetEvent> amounts(int rows, String amount) {
        List<TargetEvent> batch = new java.util.ArrayList<>();
        for (int id = 1; id <= rows; id++) {
            Row key = Row.builder().put("id", F.numberNode(id)).build();
            batch.add(new TargetEvent.Upsert("widened", key, key.with("amount", F.textNode(amount)), new SourceInfo("s", "p", null, id, false)));
        }
        return batch;
    }

    /** PostgreSQL cuts names to 63 bytes: a longer one is refused at the table's check, naming it and the fix. */
    @Test
    void aNameLongerThanPostgresKeepsIsRefused() throws Exception {
        String longName = "r\u00e9sum\u00e9_".repeat(8); // 56 characters, 72 bytes in UTF-8
        TargetTable t = TargetTable.keyed("long_names", List.of(new Column("id", ColumnType.of(CanonicalType.INT64), false),
                new Column(longName, ColumnType.of(CanonicalType.STRING), true)), List.of("id"));
        try (Sink sink = factory().create(new RuntimeSinkContext("contract", "long-names", SinkOptionsFixture.bind(factory(), options()),
                () -> Map.of(t.name(), t)))) {
            Row key = Row.builder().put("id", F.numberNode(1)).build();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> sink.write(List.of(new TargetEvent.Upsert(t.name(), key,
                    key.with(longName, F.textNode("x")), new SourceInfo("s", "p", null, 1, false)))))
                    .hasMessageContaining("column " + longName + " is longer than the 63 bytes")
                    .hasMessageContaining("give it a shorter name in the mapping");
        }
    }

    /** An array of money goes through numeric both ways, in statements and in the bulk path's place (money's text follows lc_monetary). */
    @Test
    void moneyArraysHoldTheirAmounts() throws Exception {
        TargetTable t = TargetTable.keyed("purses", List.of(new Column("id", ColumnType.of(CanonicalType.INT64), false),
                new Column("coins", ColumnType.arrayOf(ColumnType.of(CanonicalType.MONEY)), true)), List.of("id"));
        try (Sink sink = factory().create(new RuntimeSinkContext("contract", "purses", SinkOptionsFixture.bind(factory(), options()),
                () -> Map.of(t.name(), t)))) {
            List<TargetEvent> batch = new java.util.ArrayList<>();
            for (int id = 1; id <= 600; id++) { // enough rows for the bulk path
                Row key = Row.builder().put("id", F.numberNode(id)).build();
                batch.add(new TargetEvent.Upsert(t.name(), key, key.with("coins", F.arrayNode().add("1234.56").add("-0.50")),
                        new SourceInfo("s", "p", null, id, false)));
            }
            sink.write(batch);
            try (Connection c = pg.connect("sink_pg"); Statement s = c.createStatement();
                    java.sql.ResultSet rs = s.executeQuery("SELECT coins[1]::numeric, coins[2]::numeric FROM purses WHERE id = 600")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getBigDecimal(1)).isEqualByComparingTo("1234.56");
                assertThat(rs.getBigDecimal(2)).isEqualByComparingTo("-0.50");
            }
            List<Row> back = new java.util.ArrayList<>();
            ((io.ferry.core.spi.RowReader) sink).read(t.name(), io.ferry.core.spi.KeyRange.ALL, back::add);
            assertThat(back).hasSize(600);
            assertThat(io.ferry.core.types.CanonicalValues.same(ColumnType.arrayOf(ColumnType.of(CanonicalType.MONEY)),
                    back.get(0).get("coins"), F.arrayNode().add("1234.56").add("-0.50"), io.ferry.core.types.Tolerance.EXACT)).isTrue();
        }
    }

    /**
     * A table made by hand with a unique email: row 2 takes over the email row 1 gives up, in one batch, in that order
     * (compaction keeps each key where its last change was). Tried once more after the others, row 2 is written, not
     * dead-lettered.
     */
    @Test
    void aUniqueValueTakenOverInOneBatchIsWrittenNotDeadLettered() throws Exception {
        try (Connection c = pg.connect("sink_pg"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE members (id bigint PRIMARY KEY, email text UNIQUE)");
            s.execute("INSERT INTO members VALUES (1, 'a@x')");
        }
        TargetTable t = TargetTable.keyed("members", List.of(new Column("id", ColumnType.of(CanonicalType.INT64), false),
                new Column("email", ColumnType.of(CanonicalType.STRING), true)), List.of("id"));
        try (Sink sink = factory().create(new RuntimeSinkContext("contract", "members", SinkOptionsFixture.bind(factory(), options()),
                () -> Map.of(t.name(), t)))) {
            Row one = Row.builder().put("id", F.numberNode(1)).build();
            Row two = Row.builder().put("id", F.numberNode(2)).build();
            sink.write(List.of(new TargetEvent.Upsert(t.name(), two, two.with("email", F.textNode("a@x")), new SourceInfo("s", "p", null, 2, false)),
                    new TargetEvent.Upsert(t.name(), one, one.with("email", F.textNode("b@x")), new SourceInfo("s", "p", null, 3, false))));
        }
        try (Connection c = pg.connect("sink_pg"); Statement s = c.createStatement();
                java.sql.ResultSet rs = s.executeQuery("SELECT id || '=' || email FROM members ORDER BY id")) {
            List<String> rows = new java.util.ArrayList<>();
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
            assertThat(rows).containsExactly("1=b@x", "2=a@x");
        }
    }

    /** 24:00:00, the end of a day, which a PostgreSQL time holds: written and read back (validation read it as an error). */
    @Test
    void theEndOfTheDayIsReadBack() throws Exception {
        TargetTable t = TargetTable.keyed("day_ends", List.of(new Column("id", ColumnType.of(CanonicalType.INT64), false),
                new Column("t", ColumnType.of(CanonicalType.TIME), true)), List.of("id"));
        try (Sink sink = factory().create(new RuntimeSinkContext("contract", "day-ends", SinkOptionsFixture.bind(factory(), options()),
                () -> Map.of(t.name(), t)))) {
            Row key = Row.builder().put("id", F.numberNode(1)).build();
            sink.write(List.of(new TargetEvent.Upsert(t.name(), key, key.with("t", F.textNode("24:00:00")), new SourceInfo("s", "p", null, 1,
                    false))));
            List<Row> back = new java.util.ArrayList<>();
            ((io.ferry.core.spi.RowReader) sink).read(t.name(), io.ferry.core.spi.KeyRange.ALL, back::add);
            assertThat(back).singleElement().satisfies(r -> assertThat(r.get("t").asText()).as("canonical TIME").isEqualTo("24:00:00.000000"));
        }
    }

    /**
     * A privilege error is the target's even when another record of the same table was just written: a role that may
     * delete but not update passes the batch's delete and is refused its upsert, which is retried, not dead-lettered.
     */
    @Test
    void aPrivilegeErrorAfterAnotherRecordOfTheTablePassedIsStillTheTargets() throws Exception {
        TargetTable t = TargetTable.keyed("half_granted", List.of(new Column("id", ColumnType.of(CanonicalType.INT64), false),
                new Column("name", ColumnType.of(CanonicalType.STRING), true)), List.of("id"));
        try (Connection c = pg.connect("sink_pg"); Statement s = c.createStatement()) {
            s.execute("DO $$ BEGIN CREATE ROLE ferry_half LOGIN PASSWORD 'half'; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
            s.execute("CREATE TABLE half_granted (id bigint PRIMARY KEY, name text)");
            s.execute("INSERT INTO half_granted VALUES (1, 'one')");
            s.execute("GRANT SELECT, INSERT, DELETE ON half_granted TO ferry_half");
        }
        String half = "url: " + pg.jdbcUrl("sink_pg") + "\nuser: ferry_half\npassword: half\n";
        try (Sink sink = factory().create(new RuntimeSinkContext("contract", "half", SinkOptionsFixture.bind(factory(), half),
                () -> Map.of(t.name(), t)))) {
            Row one = Row.builder().put("id", F.numberNode(1L)).build();
            Row two = Row.builder().put("id", F.numberNode(2L)).build();
            SourceInfo at = new SourceInfo("s", "p", null, 1, false);
            io.ferry.core.spi.SinkWriteException e = org.assertj.core.api.Assertions.catchThrowableOfType(
                    io.ferry.core.spi.SinkWriteException.class, () -> sink.write(List.of(new TargetEvent.Delete(t.name(), one, at),
                            new TargetEvent.Upsert(t.name(), two, two.with("name", F.textNode("two")), at))));
            org.assertj.core.api.Assertions.assertThat((Throwable) e).isNotNull();
            assertThat(e.retryable()).as(e.getMessage()).isTrue();
            assertThat(e.rejected()).isEmpty();
        }
    }

    /** numeric(5,2) holds at most 999.99. */
    @Override
    protected JsonNode poisonValue() {
        return F.textNode("123456.78");
    }
}
