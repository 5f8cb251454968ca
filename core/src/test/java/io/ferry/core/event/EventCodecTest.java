package io.ferry.core.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventCodecTest {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SourceInfo SOURCE = new SourceInfo("shop", "0/16B3748", "771", 1732200000123456L, false);

    private static Row key(long id) {
        return Row.builder().put("user_id", F.numberNode(id)).build();
    }

    private static JsonNode tree(byte[] bytes) throws Exception {
        return JSON.readTree(bytes);
    }

    @Test
    void insertHasTheDocumentedShape() throws Exception {
        Row after = Row.builder().put("user_id", F.numberNode(1)).put("email", F.textNode("a@x.io")).put("name", F.nullNode()).build();
        ChangeEvent event = ChangeEvent.RowChange.insert(TableId.parse("public.users"), key(1), after, SOURCE, 3);

        assertThat(tree(ChangeEventCodec.value(event))).isEqualTo(tree((
                "{'op':'c','table':'public.users','before':null,'after':{'user_id':1,'email':'a@x.io','name':null},"
                + "'source':{'db':'shop','pos':'0/16B3748','order':0,'txId':'771','txSeq':0,'tsUs':1732200000123456,'snapshot':false,'stampUs':0},"
                + "'schemaVersion':3}").replace('\'', '"').getBytes(StandardCharsets.UTF_8)));
        assertThat(new String(ChangeEventCodec.key(event, 3), StandardCharsets.UTF_8)).isEqualTo("{\"user_id\":1}");
    }

    @Test
    void everyChangeKindRoundTrips() {
        TableId users = TableId.parse("public.users");
        Row row = Row.builder().put("user_id", F.numberNode(1)).put("tags", F.arrayNode().add("a")).build();
        List<ChangeEvent> events = List.of(
                ChangeEvent.RowChange.insert(users, key(1), row, SOURCE, 1),
                ChangeEvent.RowChange.update(users, key(1), null, row, SOURCE, 1),
                ChangeEvent.RowChange.update(users, key(1), row, row.with("tags", F.nullNode()), SOURCE, 2),
                ChangeEvent.RowChange.delete(users, key(1), key(1), SOURCE, 2),
                ChangeEvent.RowChange.read(users, key(1), row, new SourceInfo("shop", "0/1", null, 5, true), 1),
                new ChangeEvent.MarkerEvent(new Marker(42, 1732200000000000L, Marker.Kind.HEARTBEAT), SOURCE),
                new ChangeEvent.MarkerEvent(new Marker(43, 1732200000000001L, Marker.Kind.DRAIN), SOURCE),
                new ChangeEvent.MarkerEvent(new Marker(44, 1732200000000002L, Marker.Kind.SNAPSHOT_START, users), SOURCE),
                new ChangeEvent.MarkerEvent(new Marker(44, 1732200000000003L, Marker.Kind.SNAPSHOT_END, users), SOURCE));
        for (ChangeEvent e : events) {
            assertThat(ChangeEventCodec.decode(ChangeEventCodec.key(e, 2), ChangeEventCodec.value(e))).isEqualTo(e);
        }
        // markers are never keyless: Kafka Streams would drop them
        assertThat(new String(ChangeEventCodec.key(events.get(5), 2), StandardCharsets.UTF_8)).isEqualTo("{\"__marker\":2}");
        assertThat(KeyCodec.isMarkerKey(KeyCodec.decode(ChangeEventCodec.key(events.get(5), 2)))).isTrue();
    }

    @Test
    void bothHalvesOfAKeyChangeCarryTheOtherKeyThroughTheTopic() throws Exception {
        TableId users = TableId.parse("shop.users");
        Row old = Row.builder().put("user_id", F.numberNode(1)).put("name", F.textNode("ada")).build();
        Row now = old.with("user_id", F.numberNode(2));
        ChangeEvent.RowChange delete = ChangeEvent.RowChange.delete(users, key(1), old, SOURCE, 1).keyChanged(key(2));
        ChangeEvent.RowChange create = ChangeEvent.RowChange.insert(users, key(2), now, SOURCE, 1).keyChanged(key(1));
        for (ChangeEvent.RowChange e : List.of(delete, create)) {
            ChangeEvent.RowChange back = (ChangeEvent.RowChange) ChangeEventCodec.decode(ChangeEventCodec.key(e, 0), ChangeEventCodec.value(e));
            assertThat(back).isEqualTo(e);
        }
        assertThat(tree(ChangeEventCodec.value(delete)).get("keyChange")).isEqualTo(tree("{\"user_id\":2}".getBytes(StandardCharsets.UTF_8)));
        assertThat(tree(ChangeEventCodec.value(create)).get("keyChange")).isEqualTo(tree("{\"user_id\":1}".getBytes(StandardCharsets.UTF_8)));
        // any other change leaves the field out, as events did before it
        assertThat(tree(ChangeEventCodec.value(ChangeEvent.RowChange.insert(users, key(2), now, SOURCE, 1))).has("keyChange")).isFalse();
        assertThatThrownBy(() -> ChangeEvent.RowChange.update(users, key(2), old, now, SOURCE, 1).keyChanged(key(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSnapshotBoundNamesItsTable() {
        assertThatThrownBy(() -> new Marker(1, 2, Marker.Kind.SNAPSHOT_END)).hasMessageContaining("snapshot_end marker needs table");
        assertThatThrownBy(() -> new Marker(1, 2, Marker.Kind.HEARTBEAT, TableId.parse("public.t")))
                .hasMessageContaining("heartbeat marker has no table");
        byte[] key = "{\"__marker\":0}".getBytes(StandardCharsets.UTF_8);
        byte[] value = ("{\"op\":\"m\",\"marker\":{\"id\":1,\"tsUs\":2,\"kind\":\"snapshot_start\",\"table\":\"users\"},"
                + "\"source\":{\"db\":\"shop\",\"pos\":\"0/1\",\"tsUs\":5}}").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ChangeEventCodec.decode(key, value)).isInstanceOf(EventFormatException.class)
                .hasMessageContaining("'marker.table'").hasMessageContaining("namespace.name");
    }

    @Test
    void positionOrderSurvivesTheRoundTrip() {
        SourceInfo ordered = new SourceInfo("shop", "mariadb-bin.000002:4711:1:0", (2L << 48) | (4711L << 16) | (1 << 8), "0-1-9", 3,
                1_700_000_000_000_000L, false, 1_700_000_000_000_004L);
        ChangeEvent e = ChangeEvent.RowChange.insert(TableId.parse("shop.orders"), key(1), key(1), ordered, 1);
        assertThat(((ChangeEvent.RowChange) ChangeEventCodec.decode(ChangeEventCodec.key(e, 0), ChangeEventCodec.value(e)))
                .source()).isEqualTo(ordered);
    }

    @Test
    void doublesAreWrittenInTheirShortestFormOnEveryJdk() {
        // JDK 17's Double.toString prints 1.04862973362168768E17 for this value; the shortest form is one digit less.
        Row row = Row.builder().put("x", F.numberNode(1.0486297336216877E17)).put("f", F.numberNode(0.1)).build();
        ChangeEvent e = ChangeEvent.RowChange.insert(TableId.parse("public.t"), key(1), row, SOURCE, 1);
        String json = new String(ChangeEventCodec.value(e), StandardCharsets.UTF_8);
        assertThat(json).contains("\"x\":1.0486297336216877E17", "\"f\":0.1");
    }

    @Test
    void aNumberInParsedJsonThatADoubleWouldRoundStaysExactThroughTheTopic() {
        // parse_json makes exact decimals; before, Row made them doubles and the target's JSON text had other numbers
        JsonNode parsed = F.objectNode()
                .put("amount", new java.math.BigDecimal("12345678901234567890.123456789"))
                .put("rate", new java.math.BigDecimal("0.10000000000000001"))
                .put("huge", new java.math.BigDecimal("1E+400"))
                .put("tiny", new java.math.BigDecimal("1E-400"))
                .put("plain", new java.math.BigDecimal("2.5"))
                .set("list", F.arrayNode().add(new java.math.BigDecimal("3.14159265358979323846")));
        Row row = Row.builder().put("doc", parsed).build();
        JsonNode doc = row.get("doc");
        assertThat(doc.get("amount").decimalValue()).isEqualTo(new java.math.BigDecimal("12345678901234567890.123456789"));
        assertThat(doc.get("rate").decimalValue()).isEqualTo(new java.math.BigDecimal("0.10000000000000001"));
        assertThat(doc.get("huge").decimalValue()).isEqualTo(new java.math.BigDecimal("1E+400"));
        assertThat(doc.get("tiny").decimalValue()).isEqualTo(new java.math.BigDecimal("1E-400"));
        assertThat(doc.get("plain").isDouble()).as("a fraction a double holds is a double, as a FLOAT column's").isTrue();
        ChangeEvent e = ChangeEvent.RowChange.insert(TableId.parse("public.t"), key(1), row, SOURCE, 1);
        String json = new String(ChangeEventCodec.value(e), StandardCharsets.UTF_8);
        assertThat(json).contains("12345678901234567890.123456789", "0.10000000000000001", "3.14159265358979323846");
        ChangeEvent back = ChangeEventCodec.decode(ChangeEventCodec.key(e, 1), ChangeEventCodec.value(e));
        assertThat(back).isEqualTo(e);
        assertThat(((ChangeEvent.RowChange) back).after().get("doc").get("list").get(0).decimalValue())
                .isEqualTo(new java.math.BigDecimal("3.14159265358979323846"));
    }

    @Test
    void floatColumnsStayDoublesThroughTheTopic() {
        double[] awkward = {0.1, 2e23, 1.0486297336216877E17, Double.MIN_VALUE, Double.MIN_NORMAL, Double.MAX_VALUE,
                -0.0, 1.7976931348623157E300, 4.35, 123456789.12345678, (double) 3.4028235E38f, 1e-310};
        Row.Builder b = Row.builder();
        for (int i = 0; i < awkward.length; i++) {
            b.put("f" + i, F.numberNode(awkward[i]));
        }
        Row row = b.build();
        ChangeEvent e = ChangeEvent.RowChange.insert(TableId.parse("public.t"), key(1), row, SOURCE, 1);
        Row back = ((ChangeEvent.RowChange) ChangeEventCodec.decode(ChangeEventCodec.key(e, 1), ChangeEventCodec.value(e))).after();
        for (int i = 0; i < awkward.length; i++) {
            JsonNode v = back.get("f" + i);
            assertThat(v.isDouble()).as("f%d = %s read back as %s", i, awkward[i], v).isTrue();
            assertThat(Double.doubleToRawLongBits(v.doubleValue())).as("f%d", i).isEqualTo(Double.doubleToRawLongBits(awkward[i]));
        }
        assertThat(back).isEqualTo(row);
    }

    @Test
    void aNumberBeyondWhatADecimalHoldsIsABadEventNotACrash() {
        byte[] key = "{\"id\":1}".getBytes(StandardCharsets.UTF_8);
        byte[] value = ("{\"op\":\"c\",\"table\":\"public.t\",\"before\":null,\"after\":{\"id\":1,\"x\":1e99999999999},"
                + "\"source\":{\"db\":\"d\",\"pos\":\"0/1\",\"txId\":\"1\",\"tsUs\":1,\"snapshot\":false},\"schemaVersion\":1}")
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ChangeEventCodec.decode(key, value)).isInstanceOf(EventFormatException.class)
                .hasMessageContaining("1e99999999999");
    }

    @Test
    void deleteIsNeverOnlyATombstone() {
        ChangeEvent delete = ChangeEvent.RowChange.delete(TableId.parse("public.users"), key(9), null, SOURCE, 1);
        byte[] value = ChangeEventCodec.value(delete);
        assertThat(value).isNotNull();
        assertThat(new String(value, StandardCharsets.UTF_8)).contains("\"op\":\"d\"").contains("\"after\":null");
        assertThatThrownBy(() -> ChangeEvent.RowChange.insert(TableId.parse("a.b"), key(1), null, SOURCE, 1))
                .hasMessageContaining("needs an after image");
    }

    @Test
    void targetEventsRoundTripIncludingNestedPatches() throws Exception {
        Row customer = Row.builder().put("_id", F.numberNode(12345)).build();
        Row order = Row.builder().put("order_id", F.numberNode(1001)).put("status", F.textNode("completed")).build();
        List<TargetEvent> events = List.of(
                new TargetEvent.Upsert("users", key(1), key(1).with("email", F.textNode("a@x.io")), SOURCE),
                new TargetEvent.Delete("users", key(1), SOURCE),
                new TargetEvent.Patch("customers", customer, List.of(
                        TargetEvent.PathStep.element("orders", Row.builder().put("order_id", F.numberNode(1001)).build())),
                        TargetEvent.Patch.Action.SET, order, SOURCE),
                new TargetEvent.Patch("customers", customer, List.of(
                        TargetEvent.PathStep.element("orders", Row.builder().put("order_id", F.numberNode(1001)).build()),
                        TargetEvent.PathStep.element("items", Row.builder().put("item_id", F.numberNode(1)).build())),
                        TargetEvent.Patch.Action.REMOVE, null, SOURCE),
                new TargetEvent.Patch("customers", customer, List.of(TargetEvent.PathStep.field("profile"),
                        TargetEvent.PathStep.field("preferences")), TargetEvent.Patch.Action.SET,
                        Row.builder().put("theme", F.textNode("dark")).build(), SOURCE),
                new TargetEvent.MarkerPassage(new Marker(7, 8, Marker.Kind.HEARTBEAT), SOURCE));
        for (TargetEvent e : events) {
            assertThat(TargetEventCodec.decode(TargetEventCodec.value(e))).isEqualTo(e);
        }
        assertThat(new String(TargetEventCodec.key(events.get(5), 4), StandardCharsets.UTF_8)).isEqualTo("{\"__marker\":4}");
        assertThat(new String(TargetEventCodec.key(events.get(0), 4), StandardCharsets.UTF_8)).isEqualTo("{\"user_id\":1}");
        assertThat(tree(TargetEventCodec.value(events.get(3))).get("path")).isEqualTo(tree((
                "[{'field':'orders','key':{'order_id':1001}},{'field':'items','key':{'item_id':1}}]")
                .replace('\'', '"').getBytes(StandardCharsets.UTF_8)));
        assertThat(tree(TargetEventCodec.value(events.get(0))).get("op").asText()).isEqualTo("upsert");
    }

    /** Values whose JSON spelling is easy to get wrong: escapes, surrogate pairs, number edges, nested JSON. */
    private static Row awkwardRow() {
        return Row.builder().put("id", F.numberNode(Long.MIN_VALUE)).put("big", F.numberNode(new java.math.BigInteger("18446744073709551615")))
                .put("text", F.textNode("quote \" backslash \\ tab \t nul \u0000 e\u0301 \u00e9 \ud83d\ude00 \u2028"))
                .put("x", F.numberNode(1.0486297336216877E17)).put("tiny", F.numberNode(4.9E-324)).put("neg0", F.numberNode(-0.0))
                .put("f", F.numberNode(0.1)).put("yes", F.booleanNode(true)).put("none", F.nullNode())
                .put("doc", F.objectNode().put("n", 1.5).put("s", "\u00fc").set("a", F.arrayNode().add(1).add(2.25).addNull()))
                .put("", F.textNode("")).build();
    }

    @Test
    void theStreamedRecordsAreWhatJacksonWritesForTheSameTreeAndReadBackEqual() throws Exception {
        ObjectMapper doubles = com.fasterxml.jackson.databind.json.JsonMapper.builder()
                .enable(com.fasterxml.jackson.core.StreamWriteFeature.USE_FAST_DOUBLE_WRITER).build();
        TableId t = TableId.parse("public.t");
        Row row = awkwardRow();
        SourceInfo source = new SourceInfo("d\u00e9", "0/1", 7, null, 2, 5, true, 9);
        List<ChangeEvent> changes = List.of(ChangeEvent.RowChange.update(t, key(1), row, row.with("f", F.numberNode(2)), source, 4),
                ChangeEvent.RowChange.delete(t, key(1), Row.empty(), SOURCE, 1),
                new ChangeEvent.MarkerEvent(new Marker(1, 2, Marker.Kind.DRAIN), source));
        for (ChangeEvent e : changes) {
            byte[] bytes = ChangeEventCodec.value(e);
            assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo(new String(doubles.writeValueAsBytes(doubles.readTree(bytes)), StandardCharsets.UTF_8));
            assertThat(ChangeEventCodec.decode(ChangeEventCodec.key(e, 1), bytes)).isEqualTo(e);
        }
        TargetEvent patch = new TargetEvent.Patch("c", key(2), List.of(TargetEvent.PathStep.element("o", row),
                TargetEvent.PathStep.field("p")), TargetEvent.Patch.Action.SET, row, source);
        for (TargetEvent e : List.of(patch, new TargetEvent.Upsert("u", key(3), row, source),
                new TargetEvent.MarkerPassage(new Marker(1, 2, Marker.Kind.HEARTBEAT), source, 2, 3))) {
            byte[] bytes = TargetEventCodec.value(e);
            assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo(new String(doubles.writeValueAsBytes(doubles.readTree(bytes)), StandardCharsets.UTF_8));
            assertThat(TargetEventCodec.decode(bytes)).isEqualTo(e);
        }
        byte[] k = KeyCodec.encode(row);
        assertThat(new String(k, StandardCharsets.UTF_8)).isEqualTo(new String(doubles.writeValueAsBytes(doubles.readTree(k)), StandardCharsets.UTF_8));
        assertThat(KeyCodec.decode(k)).isEqualTo(row);
        assertThat(((ChangeEvent.RowChange) ChangeEventCodec.decode(ChangeEventCodec.key(changes.get(0), 1),
                ChangeEventCodec.value(changes.get(0)))).before().get("neg0").doubleValue()).isEqualTo(-0.0);
    }

    @Test
    void malformedRecordsNameTheField() {
        assertThatThrownBy(() -> ChangeEventCodec.decode(null, "{\"op\":\"x\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(EventFormatException.class).hasMessageContaining("op must be one of");
        assertThatThrownBy(() -> ChangeEventCodec.decode("{}".getBytes(StandardCharsets.UTF_8),
                "{\"op\":\"c\",\"table\":\"public.users\",\"after\":{},\"source\":{\"db\":\"shop\"}}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(EventFormatException.class).hasMessageContaining("'source.pos' is required");
        assertThatThrownBy(() -> ChangeEventCodec.decode(null, "not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(EventFormatException.class).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> TargetEventCodec.decode(("{\"op\":\"patch\",\"table\":\"c\",\"key\":{},\"action\":\"set\","
                + "\"source\":{\"db\":\"d\",\"pos\":\"p\",\"tsUs\":1}}").getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(EventFormatException.class).hasMessageContaining("'path' is required");
        assertThatThrownBy(() -> TableId.parse("users")).hasMessageContaining("namespace.name");
        String source = ",\"source\":{\"db\":\"d\",\"pos\":\"p\",\"tsUs\":1}}";
        assertThatThrownBy(() -> ChangeEventCodec.decode("{}".getBytes(StandardCharsets.UTF_8),
                ("{\"op\":\"u\",\"table\":\"a.b\",\"after\":\"x\"" + source).getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(EventFormatException.class).hasMessageContaining("'after' must be a JSON object of columns");
        assertThatThrownBy(() -> ChangeEventCodec.decode("{}".getBytes(StandardCharsets.UTF_8),
                "{\"op\":\"c\",\"table\":\"a.b\",\"after\":{},\"source\":{\"db\":\"d\",\"pos\":\"p\",\"tsUs\":1.5}}"
                        .getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(EventFormatException.class).hasMessageContaining("'source.tsUs' is required and must be an integer");
        assertThatThrownBy(() -> ChangeEventCodec.decode("[1]".getBytes(StandardCharsets.UTF_8),
                ("{\"op\":\"c\",\"table\":\"a.b\",\"after\":{}" + source).getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(EventFormatException.class).hasMessageContaining("record key must be a JSON object");
        assertThatThrownBy(() -> ChangeEventCodec.decode(null, ("{\"op\":\"m\",\"marker\":{\"id\":1,\"tsUs\":2}" + source)
                .getBytes(StandardCharsets.UTF_8))).isInstanceOf(EventFormatException.class).hasMessageContaining("'marker.kind'");
        assertThatThrownBy(() -> TargetEventCodec.decode(("{\"op\":\"patch\",\"table\":\"c\",\"key\":{},\"path\":[{\"key\":{}}],"
                + "\"action\":\"set\"" + source).getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(EventFormatException.class).hasMessageContaining("'path[].field' is required");
        assertThatThrownBy(() -> ChangeEventCodec.decode(null, "{\"op\":\"c\"".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(EventFormatException.class).hasMessageContaining("not valid JSON");
    }
}
