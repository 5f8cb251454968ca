package io.ferry.sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferry.core.config.ConfigValues;
import io.ferry.core.event.Row;
import io.ferry.core.event.SourceInfo;
import io.ferry.core.event.TargetEvent;
import io.ferry.core.schema.Column;
import io.ferry.core.spi.EvolutionPolicy;
import io.ferry.core.spi.KeyRange;
import io.ferry.core.spi.RowReader;
import io.ferry.core.spi.Sink;
import io.ferry.core.spi.SinkFactory;
import io.ferry.core.spi.SinkWriteException;
import io.ferry.core.spi.TableManager;
import io.ferry.core.spi.TargetTable;
import io.ferry.core.types.CanonicalType;
import io.ferry.core.types.CanonicalValues;
import io.ferry.core.types.ColumnType;
import io.ferry.core.types.Tolerance;
import io.ferry.sinks.runtime.BatchCompactor;
import io.ferry.sinks.runtime.RuntimeSinkContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every sink must do, against its real target: each sink's IT extends this and says how to reach
 * its target and which canonical values its target cannot hold (its documented exceptions).
 */
public abstract class SinkContractIT {

    protected static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Reads JSON text with every number exact, as a source's JSON column holds it. */
    private static final ObjectMapper EXACT = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final Comparator<JsonNode> NUMBERS_BY_VALUE = (x, y) ->
            x.isNumber() && y.isNumber() ? x.decimalValue().compareTo(y.decimalValue()) : x.equals(y) ? 0 : 1;
    private static final SourceInfo SOURCE = new SourceInfo("src", "0/1", 1, "1", 1_700_000_000_000_000L, false);

    private final Map<String, TargetTable> tables = new HashMap<>();
    protected Sink sink;
    private String suffix;

    /** The factory under test. */
    protected abstract SinkFactory factory();

    /** The sink's options as YAML (without name and type). */
    protected abstract String options();

    /** Canonical types this target does not carry (left out of the round trip), with the reason in the sink's docs. */
    protected List<CanonicalType> notCarried() {
        return List.of();
    }

    /** How exactly values come back (Cassandra and MongoDB keep milliseconds). */
    protected Tolerance tolerance() {
        return Tolerance.EXACT;
    }

    /** True for targets without columns (MongoDB): evolution then has nothing to refuse. */
    protected boolean schemaless() {
        return false;
    }

    /** A value in the column that this target rejects; the poisoned-record test writes it. */
    protected abstract Column poisonColumn();

    protected abstract JsonNode poisonValue();

    @BeforeEach
    void openSink() {
        suffix = UUID.randomUUID().toString().substring(0, 8);
        sink = create(options());
    }

    @AfterEach
    void closeSink() {
        sink.close();
    }

    private Sink create(String yaml) {
        ConfigValues values = SinkOptionsFixture.bind(factory(), yaml);
        return factory().create(new RuntimeSinkContext("contract", "under-test", values, () -> Map.copyOf(tables)));
    }

    private String table(String base, List<Column> columns, String... key) {
        String name = base + "_" + suffix;
        tables.put(name, TargetTable.keyed(name, columns, List.of(key)));
        return name;
    }

    private static Column col(String name, CanonicalType type) {
        return new Column(name, ColumnType.of(type), true);
    }

    protected static Row row(Object... kv) {
        Row.Builder b = Row.builder();
        for (int i = 0; i < kv.length; i += 2) {
            Object v = kv[i + 1];
            b.put((String) kv[i], v == null ? F.nullNode() : v instanceof Integer n ? F.numberNode(n.longValue()) : F.textNode((String) v));
        }
        return b.build();
    }

    protected static TargetEvent upsert(String table, Row row) {
        return new TargetEvent.Upsert(table, Row.builder().put("id", row.get("id")).build(), row, SOURCE);
    }

    protected static TargetEvent delete(String table, int id) {
        return new TargetEvent.Delete(table, row("id", id), SOURCE);
    }

    /** Every row of the table, in whatever order the target returns them (Cassandra: token order). */
    protected List<Row> readAll(String table) throws SinkWriteException {
        List<Row> rows = new ArrayList<>();
        ((RowReader) sink).read(table, KeyRange.ALL, rows::add);
        return rows;
    }

    protected String people() {
        return table("people", List.of(new Column("id", ColumnType.of(CanonicalType.INT64), false), col("name", CanonicalType.STRING),
                col("city", CanonicalType.STRING)), "id");
    }

    @Test
    void insertUpdateDelete() throws Exception {
        String t = people();
        sink.write(List.of(upsert(t, row("id", 1, "name", "Ada", "city", "London")), upsert(t, row("id", 2, "name", "Grace", "city", null)),
                upsert(t, row("id", 3, "name", "Edsger", "city", "Nuenen"))));
        sink.write(List.of(upsert(t, row("id", 1, "name", "Ada L.", "city", "London")), delete(t, 3)));
        assertThat(readAll(t)).containsExactlyInAnyOrder(row("id", 1, "name", "Ada L.", "city", "London"),
                row("id", 2, "name", "Grace", "city", null));
    }

    @Test
    void aReplayedBatchLeavesTheSameState() throws Exception {
        String t = people();
        List<TargetEvent> batch = List.of(upsert(t, row("id", 1, "name", "Ada", "city", "London")), delete(t, 2),
                upsert(t, row("id", 3, "name", "Edsger", "city", "Nuenen")));
        sink.write(batch);
        List<Row> once = readAll(t);
        sink.write(batch);
        sink.write(batch);
        assertThat(readAll(t)).containsExactlyInAnyOrderElementsOf(once).hasSize(2);
    }

    @Test
    void aLargeBatchLandsExactlyWithAwkwardValues() throws Exception {
        String t = table("large", List.of(new Column("id", ColumnType.of(CanonicalType.INT64), false), col("note", CanonicalType.STRING),
                new Column("amount", ColumnType.decimal(12, 2), true), col("data", CanonicalType.BYTES),
                col("at", CanonicalType.TIMESTAMP)), "id");
        String[] notes = {"plain", "with, comma", "with \"quotes\"", "line\nbreak", "back\\slash", "", "tab\there", "\\N", "NULL"};
        List<TargetEvent> batch = new ArrayList<>();
        for (int id = 1; id <= 1_200; id++) {
            Row.Builder r = Row.builder().put("id", F.numberNode(id))
                    .put("note", id % 10 == 0 ? F.nullNode() : F.textNode(notes[id % notes.length] + " " + id))
                    .put("amount", F.textNode(id + ".05"))
                    .put("data", id % 7 == 0 ? F.nullNode() : F.textNode(java.util.Base64.getEncoder().encodeToString(new byte[] {0, (byte) id, 10, 44, 34})))
                    .put("at", F.textNode(String.format("2024-03-%02dT10:30:00.%06d", 1 + id % 28, id)));
            batch.add(new TargetEvent.Upsert(t, Row.builder().put("id", F.numberNode(id)).build(), r.build(), SOURCE));
        }
        sink.write(batch);
        sink.write(batch); // replayed: same state
        Map<Long, Row> back = new HashMap<>();
        readAll(t).forEach(r -> back.put(r.get("id").asLong(), r));
        assertThat(back).hasSize(1_200);
        SoftAssertions soft = new SoftAssertions();
        for (TargetEvent e : List.of(batch.get(0), batch.get(4), batch.get(5), batch.get(6), batch.get(7), batch.get(8), batch.get(9), batch.get(1_199))) {
            Row written = ((TargetEvent.Upsert) e).row();
            Row read = back.get(written.get("id").asLong());
            for (String c : List.of("note", "amount", "data", "at")) {
                ColumnType type = tables.get(t).columns().stream().filter(x -> x.name().equals(c)).findFirst().orElseThrow().type();
                soft.assertThat(CanonicalValues.same(type, written.get(c), read.get(c), tolerance()))
                        .as("row %s column %s: wrote %s, read %s", written.get("id"), c, written.get(c), read.get(c)).isTrue();
            }
        }
        soft.assertAll();
    }

    @Test
    void changesToOneKeyInABatchCollapseToTheLast() throws Exception {
        String t = people();
        List<TargetEvent> batch = List.of(upsert(t, row("id", 1, "name", "a", "city", "x")), upsert(t, row("id", 1, "name", "b", "city", "y")),
                upsert(t, row("id", 2, "name", "c", "city", "z")), delete(t, 2), upsert(t, row("id", 1, "name", "d", "city", "w")));
        var compacted = BatchCompactor.compact(batch);
        assertThat(compacted).hasSize(2);
        sink.write(compacted.stream().map(BatchCompactor.Indexed::event).toList());
        assertThat(readAll(t)).containsExactly(row("id", 1, "name", "d", "city", "w"));
    }

    @Test
    void everyCanonicalTypeIsWrittenAndReadBackExactly() throws Exception {
        Map<String, Object[]> values = new LinkedHashMap<>();
        values.put("b", new Object[] {CanonicalType.BOOLEAN, F.booleanNode(true)});
        values.put("i16", new Object[] {CanonicalType.INT16, F.numberNode(-32768)});
        values.put("i32", new Object[] {CanonicalType.INT32, F.numberNode(Integer.MAX_VALUE)});
        values.put("i64", new Object[] {CanonicalType.INT64, F.numberNode(Long.MIN_VALUE)});
        values.put("u64", new Object[] {CanonicalType.UINT64, F.numberNode(new java.math.BigInteger("18446744073709551615"))});
        values.put("f32", new Object[] {CanonicalType.FLOAT32, F.numberNode(0.1)});
        values.put("f64", new Object[] {CanonicalType.FLOAT64, F.numberNode(1.7976931348623157E308)});
        values.put("money", new Object[] {CanonicalType.MONEY, F.textNode("-1234.56")});
        values.put("s", new Object[] {CanonicalType.STRING, F.textNode("Grüße, 世界 🚢 \"quoted\" \\")});
        values.put("e", new Object[] {CanonicalType.ENUM, F.textNode("in_progress")});
        values.put("j", new Object[] {CanonicalType.JSON, F.textNode("{\"a\": [1, 2.5, null], \"b\": {\"c\": \"d\"}}")});
        values.put("by", new Object[] {CanonicalType.BYTES, F.textNode("AP9hAA==")});
        values.put("u", new Object[] {CanonicalType.UUID, F.textNode("123e4567-e89b-12d3-a456-426614174000")});
        values.put("d", new Object[] {CanonicalType.DATE, F.textNode("2024-02-29")});
        values.put("t", new Object[] {CanonicalType.TIME, F.textNode("23:59:59.999999")});
        values.put("ttz", new Object[] {CanonicalType.TIMETZ, F.textNode("08:00:00.000000Z")});
        values.put("ts", new Object[] {CanonicalType.TIMESTAMP, F.textNode("2024-03-15T10:30:00.123456")});
        values.put("tstz", new Object[] {CanonicalType.TIMESTAMPTZ, F.textNode("2024-03-15T10:30:00.123456Z")});
        values.put("iv", new Object[] {CanonicalType.INTERVAL, F.textNode("P1Y2M3DT4H5M6.000007S")});
        values.put("ip", new Object[] {CanonicalType.INET, F.textNode("192.168.0.1/24")});
        values.put("bits", new Object[] {CanonicalType.BIT, F.textNode("1010")});
        List<Column> columns = new ArrayList<>(List.of(new Column("id", ColumnType.of(CanonicalType.INT64), false)));
        Row.Builder row = Row.builder().put("id", F.numberNode(1));
        values.forEach((name, spec) -> {
            if (!notCarried().contains((CanonicalType) spec[0])) {
                columns.add(col(name, (CanonicalType) spec[0]));
                row.put(name, (JsonNode) spec[1]);
            }
        });
        ColumnType dec = ColumnType.decimal(30, 10);
        columns.add(new Column("dec", dec, true));
        row.put("dec", F.textNode("12345678901234567890.0123456789"));
        ColumnType ints = ColumnType.arrayOf(ColumnType.of(CanonicalType.INT32));
        if (!notCarried().contains(CanonicalType.ARRAY)) {
            columns.add(new Column("arr", ints, true));
            row.put("arr", F.arrayNode().add(1).addNull().add(3));
        }
        columns.add(col("nothing", CanonicalType.STRING));
        row.put("nothing", F.nullNode());
        String t = table("types", columns, "id");
        Row written = row.build();
        sink.write(List.of(new TargetEvent.Upsert(t, Row.builder().put("id", F.numberNode(1)).build(), written, SOURCE)));

        Row back = readAll(t).get(0);
        SoftAssertions soft = new SoftAssertions();
        for (Column c : columns) {
            soft.assertThat(CanonicalValues.same(c.type(), written.get(c.name()), back.get(c.name()), tolerance()))
                    .as("%s (%s): wrote %s, read %s", c.name(), c.type().kind(), written.get(c.name()), back.get(c.name())).isTrue();
        }
        soft.assertAll();
    }

    /**
     * Sub-documents and arrays of documents a mapping nests: a document target stores them as documents with
     * typed fields, the others as JSON text; either way they read back as the same JSON tree.
     */
    @Test
    void nestedDocumentColumnsLandWhole() throws Exception {
        Map<String, ColumnType> orderFields = new LinkedHashMap<>();
        orderFields.put("order_id", ColumnType.of(CanonicalType.INT64));
        orderFields.put("total_amount", ColumnType.decimal(12, 2));
        orderFields.put("order_date", ColumnType.of(CanonicalType.TIMESTAMP));
        String t = table("documents", List.of(new Column("id", ColumnType.of(CanonicalType.INT64), false),
                new Column("profile", ColumnType.document(Map.of("email", ColumnType.of(CanonicalType.STRING))), true),
                new Column("orders", ColumnType.documentArray(orderFields), false)), "id");
        ObjectNode order = F.objectNode().put("order_id", 1001).put("total_amount", "129.99").put("order_date", "2024-03-15T10:30:00.123000");
        order.put("status", "shipped");
        Row written = Row.builder().put("id", F.numberNode(1)).put("profile", F.objectNode().put("email", "ada@example.com"))
                .put("orders", F.arrayNode().add(order)).build();
        sink.write(List.of(upsert(t, written)));

        Row back = readAll(t).get(0);
        SoftAssertions soft = new SoftAssertions();
        for (String c : List.of("profile", "orders")) {
            JsonNode read = back.get(c);
            JsonNode tree = read.isTextual() ? JSON.readTree(read.textValue()) : read;
            soft.assertThat(written.get(c).equals(NUMBERS_BY_VALUE, tree)).as("%s: wrote %s, read %s", c, written.get(c), read).isTrue();
        }
        soft.assertAll();
    }

    /**
     * A JSON value a mapping parsed ({@code parse_json}) keeps every digit of its numbers: a SQL or Cassandra target's
     * JSON text and a document target's fields hold the numbers the source wrote, not the doubles nearest to them.
     */
    @Test
    void numbersInParsedJsonKeepEveryDigit() throws Exception {
        String source = "{\"amount\":12345678901234567890.123456789,\"rate\":0.10000000000000001,\"ratio\":2.5,"
                + "\"count\":123456789012345678901234567890,\"list\":[3.14159265358979323846,-7]}";
        JsonNode parsed = EXACT.readTree(source);
        String t = table("parsed", List.of(new Column("id", ColumnType.of(CanonicalType.INT64), false),
                col("extra", CanonicalType.JSON)), "id");
        Row written = Row.builder().put("id", F.numberNode(1)).put("extra", parsed).build();
        sink.write(List.of(upsert(t, written)));

        JsonNode read = readAll(t).get(0).get("extra");
        JsonNode tree = read.isTextual() ? EXACT.readTree(read.textValue()) : read;
        assertThat(tree.equals(NUMBERS_BY_VALUE, parsed)).as("wrote %s, read %s", source, read).isTrue();
        assertThat(tree.get("amount").decimalValue()).isEqualByComparingTo("12345678901234567890.123456789");
    }

    @Test
    void schemaEvolutionFollowsThePolicy() throws Exception {
        String t = people();
        sink.write(List.of(upsert(t, row("id", 1, "name", "Ada", "city", "London"))));
        TargetTable wider = TargetTable.keyed(t, List.of(new Column("id", ColumnType.of(CanonicalType.INT64), false),
                col("name", CanonicalType.STRING), col("city", CanonicalType.STRING), col("email", CanonicalType.STRING)), List.of("id"));

        if (!schemaless()) {
            Sink failing = create(options() + "\nevolution: fail\n");
            try {
                assertThatThrownBy(() -> ((TableManager) failing).ensureTable(wider, EvolutionPolicy.FAIL))
                        .isInstanceOf(IllegalStateException.class).hasMessageContaining("email").hasMessageContaining("evolution");
            } finally {
                failing.close();
            }
        }
        ((TableManager) sink).ensureTable(wider, EvolutionPolicy.EVOLVE);
        tables.put(t, wider);
        sink.write(List.of(upsert(t, row("id", 2, "name", "Grace", "city", "NYC", "email", "g@x.io"))));
        assertThat(readAll(t)).extracting(r -> r.get("email").isNull() ? null : r.get("email").asText())
                .containsExactlyInAnyOrder(null, "g@x.io");
    }

    @Test
    void aPoisonedRecordIsNamedWhileItsNeighboursLand() throws Exception {
        String t = table("poison", List.of(new Column("id", ColumnType.of(CanonicalType.INT64), false), poisonColumn()), "id");
        Row good1 = Row.builder().put("id", F.numberNode(1)).put(poisonColumn().name(), F.nullNode()).build();
        Row bad = Row.builder().put("id", F.numberNode(2)).put(poisonColumn().name(), poisonValue()).build();
        Row good2 = Row.builder().put("id", F.numberNode(3)).put(poisonColumn().name(), F.nullNode()).build();
        SinkWriteException e = catchThrowableOfType(SinkWriteException.class,
                () -> sink.write(List.of(upsert(t, good1), upsert(t, bad), upsert(t, good2))));
        assertThat(e.retryable()).isFalse();
        assertThat(e.rejected()).containsOnlyKeys(1);
        assertThat(readAll(t)).extracting(r -> r.get("id").asInt()).containsExactlyInAnyOrder(1, 3);
    }
}
