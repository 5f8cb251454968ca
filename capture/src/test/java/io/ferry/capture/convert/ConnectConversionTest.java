package io.ferry.capture.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.core.event.ChangeEvent;
import io.ferry.core.event.TableId;
import io.ferry.core.types.CanonicalType;
import io.ferry.core.types.ColumnType;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

class ConnectConversionTest {

    private static Schema named(Schema.Type type, String name, String sourceType) {
        SchemaBuilder b = new SchemaBuilder(type).optional();
        if (name != null) {
            b.name(name);
        }
        if (sourceType != null) {
            b.parameter(ConnectTypes.SOURCE_TYPE, sourceType);
        }
        return b.build();
    }

    @Test
    void sourceTypesDecideWhatDebeziumCarriesAsStrings() {
        Schema numeric = SchemaBuilder.string().optional().parameter(ConnectTypes.SOURCE_TYPE, "NUMERIC")
                .parameter(ConnectTypes.SOURCE_LENGTH, "12").parameter(ConnectTypes.SOURCE_SCALE, "2").build();
        assertThat(ConnectTypes.of(numeric, "t.c")).isEqualTo(ColumnType.decimal(12, 2).withSourceType("numeric"));
        Schema unbounded = SchemaBuilder.string().optional().parameter(ConnectTypes.SOURCE_TYPE, "NUMERIC")
                .parameter(ConnectTypes.SOURCE_LENGTH, "131089").build();
        assertThat(ConnectTypes.of(unbounded, "t.c").precision()).isNull();
        assertThat(ConnectTypes.of(named(Schema.Type.STRING, null, "MONEY"), "t.c").kind()).isEqualTo(CanonicalType.MONEY);
        // bit varying: Debezium passes the set bits alone (its declared length, unbounded 2147483647, is no value's);
        // before, a value was padded to the declared length (B'101' in varbit(8) became 00000101), or, unbounded, ran
        // capture out of memory
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ConnectTypes.of(named(Schema.Type.BYTES, "io.debezium.data.Bits",
                "VARBIT"), "public.t.flags")).isInstanceOf(UnsupportedColumnException.class)
                .hasMessageContaining("public.t.flags has type bit varying").hasMessageContaining("change the column to bit(n) or text");
        assertThat(ConnectTypes.of(SchemaBuilder.bytes().name("io.debezium.data.Bits").parameter("length", "4")
                .parameter(ConnectTypes.SOURCE_TYPE, "BIT").build(), "t.c").length()).isEqualTo(4);
        assertThat(ConnectTypes.of(named(Schema.Type.STRING, null, "INET"), "t.c").kind()).isEqualTo(CanonicalType.INET);
        assertThat(ConnectTypes.of(named(Schema.Type.STRING, null, "VARCHAR"), "t.c").kind()).isEqualTo(CanonicalType.STRING);
        assertThat(ConnectTypes.of(named(Schema.Type.INT32, null, "SERIAL"), "t.c").sourceType()).isEqualTo("int4");
        assertThat(ConnectTypes.of(SchemaBuilder.bytes().name("org.apache.kafka.connect.data.Decimal")
                .parameter(ConnectTypes.SOURCE_TYPE, "BIGINT UNSIGNED").build(), "t.c").kind()).isEqualTo(CanonicalType.UINT64);
        // a legacy MySQL price column: it was typed UINT64, and its values' fractions failed the conversion
        var price = ConnectTypes.of(SchemaBuilder.bytes().name("org.apache.kafka.connect.data.Decimal").parameter("scale", "2")
                .parameter(ConnectTypes.SOURCE_TYPE, "DECIMAL UNSIGNED").parameter(ConnectTypes.SOURCE_LENGTH, "10")
                .parameter(ConnectTypes.SOURCE_SCALE, "2").build(), "t.price");
        assertThat(price.kind()).isEqualTo(CanonicalType.DECIMAL);
        assertThat(price.precision()).isEqualTo(10);
        assertThat(price.scale()).isEqualTo(2);
    }

    @Test
    void semanticNamesWinOverPrimitives() {
        assertThat(ConnectTypes.of(named(Schema.Type.INT64, "io.debezium.time.MicroTimestamp", "TIMESTAMP"), "t.c").kind())
                .isEqualTo(CanonicalType.TIMESTAMP);
        assertThat(ConnectTypes.of(named(Schema.Type.INT32, "io.debezium.time.Date", "DATE"), "t.c").kind()).isEqualTo(CanonicalType.DATE);
        assertThat(ConnectTypes.of(named(Schema.Type.STRING, "io.debezium.data.Json", "JSONB"), "t.c").kind()).isEqualTo(CanonicalType.JSON);
        Schema enumSchema = SchemaBuilder.string().name("io.debezium.data.Enum").parameter("allowed", "new,in_progress").build();
        assertThat(ConnectTypes.of(enumSchema, "t.c").labels()).containsExactly("new", "in_progress");
        assertThatThrownBy(() -> ConnectTypes.of(SchemaBuilder.struct().name("io.debezium.data.geometry.Point")
                .parameter(ConnectTypes.SOURCE_TYPE, "POINT").build(), "shop.places.location"))
                .isInstanceOf(UnsupportedColumnException.class).hasMessageContaining("shop.places.location has type point");
    }

    @Test
    void bitsAreLittleEndianBytesOfTheColumnsLength() {
        Schema bits = SchemaBuilder.bytes().name("io.debezium.data.Bits").parameter("length", "10").build();
        ColumnType type = ConnectTypes.of(bits, "t.c");
        // 0b10_0000_0101: byte 0 holds bits 0-7, byte 1 bits 8-9
        assertThat(ConnectValues.canonical(bits, type, ByteBuffer.wrap(new byte[] {0b0000_0101, 0b10})).asText())
                .isEqualTo("1000000101");
    }

    @Test
    void microsecondTimestampsKeepTheirDigitsBeforeTheEpochToo() {
        Schema ts = named(Schema.Type.INT64, "io.debezium.time.MicroTimestamp", null);
        ColumnType type = ColumnType.of(CanonicalType.TIMESTAMP);
        assertThat(ConnectValues.canonical(ts, type, -1L).asText()).isEqualTo("1969-12-31T23:59:59.999999");
        assertThat(ConnectValues.canonical(ts, type, 1_710_498_600_123_456L).asText()).isEqualTo("2024-03-15T10:30:00.123456");
        Schema t = named(Schema.Type.INT64, "io.debezium.time.MicroTime", null);
        assertThat(ConnectValues.canonical(t, ColumnType.of(CanonicalType.TIME), -5_400_000_000L).asText()).isEqualTo("-01:30:00.000000");
    }

    @Test
    void placeholdersOfMissingToastValuesAreRecognised() {
        assertThat(ConnectValues.unavailable("__debezium_unavailable_value")).isTrue();
        assertThat(ConnectValues.unavailable(ByteBuffer.wrap("__debezium_unavailable_value".getBytes()))).isTrue();
        assertThat(ConnectValues.unavailable(List.of("__debezium_unavailable_value"))).isTrue();
        assertThat(ConnectValues.unavailable("a real value")).isFalse();
        assertThat(ConnectValues.unavailable(null)).isFalse();
        // the other forms of Debezium's UnchangedToastedPlaceholder: integer, bigint and date arrays as the text's bytes,
        // uuid arrays as the bytes' name-based UUID, hstore as the text mapped to itself
        byte[] text = "__debezium_unavailable_value".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        List<Integer> ints = new java.util.ArrayList<>();
        List<Long> longs = new java.util.ArrayList<>();
        for (byte b : text) {
            ints.add((int) b);
            longs.add((long) b);
        }
        assertThat(ConnectValues.unavailable(ints)).isTrue();
        assertThat(ConnectValues.unavailable(longs)).isTrue();
        assertThat(ConnectValues.unavailable(List.of(java.util.UUID.nameUUIDFromBytes(text).toString()))).isTrue();
        assertThat(ConnectValues.unavailable(java.util.Map.of("__debezium_unavailable_value", "__debezium_unavailable_value"))).isTrue();
        assertThat(ConnectValues.unavailable("{\"__debezium_unavailable_value\":\"__debezium_unavailable_value\"}")).isTrue();
        assertThat(ConnectValues.unavailable(ints.subList(0, 27))).as("a real array").isFalse();
        assertThat(ConnectValues.unavailable(List.of(1, 2, 3))).isFalse();
        assertThat(ConnectValues.unavailable(List.of(java.util.UUID.randomUUID().toString()))).isFalse();
        assertThat(ConnectValues.unavailable(java.util.Map.of("a", "b"))).isFalse();
    }

    @Test
    void binlogPositionsOrderAlongTheLog() {
        long a = RecordConverter.binlogOrder("mariadb-bin.000002", 4_000_000_000L, 0, 0);
        long b = RecordConverter.binlogOrder("mariadb-bin.000002", 4_000_000_000L, 0, 1);
        long c = RecordConverter.binlogOrder("mariadb-bin.000002", 4_000_000_000L, 1, 0);
        long d = RecordConverter.binlogOrder("mariadb-bin.000003", 4, 0, 0);
        assertThat(List.of(a, b, c, d)).isSorted().doesNotHaveDuplicates();
        assertThat(RecordConverter.lsn(0x16B3748L)).isEqualTo("0/16B3748");
        assertThat(RecordConverter.lsn((3L << 32) | 0xAL)).isEqualTo("3/A");
    }

    @Test
    void aNullIsNullEvenWhereTheColumnHasADefault() {
        // Debezium puts a column's DEFAULT into its Connect schema, and Struct.get answers a NULL with it
        Schema row = SchemaBuilder.struct().name("shop.customer_preferences.Value")
                .field("customer_id", Schema.INT64_SCHEMA)
                .field("theme", SchemaBuilder.string().optional().defaultValue("light").build())
                .field("marketing_emails", SchemaBuilder.int16().optional().defaultValue((short) 0).build())
                .optional().build();
        Schema key = SchemaBuilder.struct().field("customer_id", Schema.INT64_SCHEMA).build();
        Schema source = SchemaBuilder.struct().field("db", Schema.STRING_SCHEMA).field("table", Schema.STRING_SCHEMA)
                .field("file", Schema.STRING_SCHEMA).field("pos", Schema.INT64_SCHEMA).field("row", Schema.OPTIONAL_INT32_SCHEMA)
                .field("ts_ms", Schema.INT64_SCHEMA).build();
        Schema envelope = SchemaBuilder.struct().field("op", Schema.STRING_SCHEMA).field("before", row).field("after", row)
                .field("source", source).build();
        Struct after = new Struct(row).put("customer_id", 7L).put("theme", null).put("marketing_emails", null);
        Struct value = new Struct(envelope).put("op", "c").put("after", after).put("source", new Struct(source).put("db", "shop")
                .put("table", "customer_preferences").put("file", "mariadb-bin.000001").put("pos", 4L).put("ts_ms", 1L));
        SourceRecord record = new SourceRecord(Map.of(), Map.of("file", "mariadb-bin.000001", "pos", 4L), "t", null, key,
                new Struct(key).put("customer_id", 7L), envelope, value);

        Converted converted = new RecordConverter("p", new TableId("ferry", "heartbeat"), new TableId("ferry", "debezium_signal"),
                t -> List.of()).convert(record);

        assertThat(converted).isInstanceOf(Converted.Row.class);
        io.ferry.core.event.Row row7 = ((Converted.Row) converted).event().after();
        assertThat(row7.get("theme").isNull()).as("theme of %s", row7).isTrue();
        assertThat(row7.get("marketing_emails").isNull()).as("marketing_emails of %s", row7).isTrue();
    }

    /**
     * A binlog DDL (here a JSON column added on MariaDB, a LONGTEXT to the log) makes Debezium learn the table again: the
     * converter asks the source's facts again before it derives the new shape, and not for the table's first shape.
     */
    @Test
    void aTableLearnedAgainHasItsFactsReadAgain() {
        Schema key = SchemaBuilder.struct().field("id", Schema.INT64_SCHEMA).build();
        Schema source = SchemaBuilder.struct().field("db", Schema.STRING_SCHEMA).field("table", Schema.STRING_SCHEMA)
                .field("file", Schema.STRING_SCHEMA).field("pos", Schema.INT64_SCHEMA).field("ts_ms", Schema.INT64_SCHEMA).build();
        TableId orders = new TableId("shop", "orders");
        java.util.List<TableId> reshaped = new java.util.ArrayList<>();
        java.util.Set<String> json = new java.util.HashSet<>();
        RecordConverter converter = new RecordConverter("p", new TableId("ferry", "heartbeat"), new TableId("ferry", "debezium_signal"),
                new TableFacts() {
                    @Override
                    public List<io.ferry.core.schema.ForeignKey> foreignKeys(TableId table) {
                        return List.of();
                    }

                    @Override
                    public java.util.Set<String> jsonColumns(TableId table) {
                        return java.util.Set.copyOf(json);
                    }

                    @Override
                    public void reshaped(TableId table) {
                        reshaped.add(table);
                        json.add("doc"); // the source, read again, has the new column's json_valid check
                    }
                });
        java.util.function.Function<Schema, Converted.Row> insert = row -> {
            Schema envelope = SchemaBuilder.struct().field("op", Schema.STRING_SCHEMA).field("before", row).field("after", row)
                    .field("source", source).build();
            Struct after = new Struct(row).put("id", 1L);
            if (row.field("doc") != null) {
                after.put("doc", "{\"a\": 1}");
            }
            Struct value = new Struct(envelope).put("op", "c").put("after", after).put("source", new Struct(source).put("db", "shop")
                    .put("table", "orders").put("file", "mariadb-bin.000001").put("pos", 4L).put("ts_ms", 1L));
            return (Converted.Row) converter.convert(new SourceRecord(Map.of(), Map.of("file", "mariadb-bin.000001", "pos", 4L), "t",
                    null, key, new Struct(key).put("id", 1L), envelope, value));
        };
        Schema before = SchemaBuilder.struct().name("p.shop.orders.Value").field("id", Schema.INT64_SCHEMA).optional().build();
        insert.apply(before);
        insert.apply(before);
        assertThat(reshaped).as("the first shape, and the same schema again").isEmpty();
        Schema altered = SchemaBuilder.struct().name("p.shop.orders.Value").field("id", Schema.INT64_SCHEMA)
                .field("doc", Schema.OPTIONAL_STRING_SCHEMA).optional().build();
        Converted.Row row = insert.apply(altered);
        assertThat(reshaped).containsExactly(orders);
        assertThat(row.schema().columns()).filteredOn(c -> c.name().equals("doc")).singleElement()
                .satisfies(c -> assertThat(c.type().kind()).isEqualTo(io.ferry.core.types.CanonicalType.JSON));
    }

    /**
     * Debezium reports a binlog's DDL as a schema change record: the converter names the tables it created or altered (not
     * those it dropped, nor Ferry's own), none for one a snapshot read, and a table's next row takes the facts read again
     * for it, even in the Connect schema it had before (a foreign key added changes no column).
     */
    @Test
    void aStreamedDdlNamesTheTablesItCreatedOrAlteredAndTheirNextRowTakesTheFactsReadAgain() {
        Schema key = SchemaBuilder.struct().field("id", Schema.INT64_SCHEMA).build();
        Schema source = SchemaBuilder.struct().field("db", Schema.STRING_SCHEMA).field("table", Schema.OPTIONAL_STRING_SCHEMA)
                .field("file", Schema.STRING_SCHEMA).field("pos", Schema.INT64_SCHEMA).field("ts_ms", Schema.INT64_SCHEMA)
                .field("snapshot", Schema.OPTIONAL_STRING_SCHEMA).build();
        TableId orders = new TableId("shop", "orders");
        TableId customers = new TableId("shop", "customers");
        io.ferry.core.schema.ForeignKey fk = new io.ferry.core.schema.ForeignKey("fk_customer", List.of("customer_id"), customers,
                List.of("customer_id"), "CASCADE", null);
        List<io.ferry.core.schema.ForeignKey> atSource = new java.util.ArrayList<>();
        List<TableId> reshaped = new java.util.ArrayList<>();
        RecordConverter converter = new RecordConverter("p", new TableId("ferry", "heartbeat"), new TableId("ferry", "debezium_signal"),
                new TableFacts() {
                    @Override
                    public List<io.ferry.core.schema.ForeignKey> foreignKeys(TableId table) {
                        return List.copyOf(atSource);
                    }

                    @Override
                    public java.util.Set<String> jsonColumns(TableId table) {
                        return java.util.Set.of();
                    }

                    @Override
                    public void reshaped(TableId table) {
                        reshaped.add(table);
                    }
                });
        Schema row = SchemaBuilder.struct().name("p.shop.orders.Value").field("id", Schema.INT64_SCHEMA)
                .field("customer_id", Schema.INT64_SCHEMA).optional().build();
        Schema envelope = SchemaBuilder.struct().field("op", Schema.STRING_SCHEMA).field("before", row).field("after", row)
                .field("source", source).build();
        java.util.function.Supplier<Converted.Row> insert = () -> (Converted.Row) converter.convert(new SourceRecord(Map.of(),
                Map.of("file", "mariadb-bin.000001", "pos", 4L), "t", null, key, new Struct(key).put("id", 1L), envelope,
                new Struct(envelope).put("op", "c").put("after", new Struct(row).put("id", 1L).put("customer_id", 7L))
                        .put("source", new Struct(source).put("db", "shop").put("table", "orders").put("file", "mariadb-bin.000001")
                                .put("pos", 4L).put("ts_ms", 1L))));
        Schema change = SchemaBuilder.struct().field("type", Schema.STRING_SCHEMA).field("id", Schema.STRING_SCHEMA).build();
        Schema ddl = SchemaBuilder.struct().name("io.debezium.connector.mariadb.SchemaChangeValue").field("source", source)
                .field("databaseName", Schema.OPTIONAL_STRING_SCHEMA).field("ddl", Schema.OPTIONAL_STRING_SCHEMA)
                .field("tableChanges", SchemaBuilder.array(change).build()).build();
        java.util.function.BiFunction<String, List<String[]>, Converted> schemaChange = (snapshot, changes) -> converter.convert(
                new SourceRecord(Map.of(), Map.of("file", "mariadb-bin.000001", "pos", 9L), "p", null, null, null, ddl,
                        new Struct(ddl).put("source", new Struct(source).put("db", "shop").put("file", "mariadb-bin.000001")
                                .put("pos", 9L).put("ts_ms", 2L).put("snapshot", snapshot)).put("databaseName", "shop")
                                .put("ddl", "ALTER TABLE orders ADD FOREIGN KEY ...").put("tableChanges", changes.stream()
                                        .map(c -> new Struct(change).put("type", c[0]).put("id", c[1])).toList())));

        assertThat(insert.get().schema().foreignKeys()).isEmpty();
        Converted streamed = schemaChange.apply("false", List.of(new String[] {"ALTER", "\"shop\".\"orders\""},
                new String[] {"CREATE", "\"shop\".\"customers\""}, new String[] {"DROP", "\"shop\".\"old\""},
                new String[] {"ALTER", "\"ferry\".\"heartbeat\""}));
        assertThat(streamed).isEqualTo(new Converted.TablesChanged(List.of(orders, customers)));
        assertThat(schemaChange.apply("true", List.<String[]>of(new String[] {"CREATE", "\"shop\".\"orders\""})))
                .as("a DDL the snapshot read").isEqualTo(new Converted.TablesChanged(List.of()));
        assertThat(schemaChange.apply(null, List.<String[]>of(new String[] {"DROP", "\"shop\".\"old\""})))
                .as("a table dropped").isEqualTo(new Converted.TablesChanged(List.of()));

        atSource.add(fk); // ALTER TABLE orders ADD CONSTRAINT fk_customer FOREIGN KEY ... ON DELETE CASCADE
        assertThat(converter.foreignKeysNow(orders)).containsExactly(fk);
        assertThat(reshaped).containsExactly(orders);
        assertThat(insert.get().schema().foreignKeys()).as("the same Connect schema as before the DDL").containsExactly(fk);
        assertThat(reshaped).as("read once for the DDL and its next row").containsExactly(orders);
    }

    @Test
    void postgresChangesOfOneSchemaKeepTheirOwnTablePositionTransactionAndValues() {
        Schema row = SchemaBuilder.struct().name("app.public.orders.Value").field("id", Schema.INT64_SCHEMA)
                .field("note", Schema.OPTIONAL_STRING_SCHEMA).optional().build();
        Schema key = SchemaBuilder.struct().field("id", Schema.INT64_SCHEMA).build();
        Schema source = SchemaBuilder.struct().field("db", Schema.STRING_SCHEMA).field("schema", Schema.STRING_SCHEMA)
                .field("table", Schema.STRING_SCHEMA).field("lsn", Schema.OPTIONAL_INT64_SCHEMA).field("txId", Schema.OPTIONAL_INT64_SCHEMA)
                .field("ts_ms", Schema.INT64_SCHEMA).field("ts_us", Schema.OPTIONAL_INT64_SCHEMA)
                .field("snapshot", SchemaBuilder.string().optional().defaultValue("false").build()).build();
        Schema transaction = SchemaBuilder.struct().field("id", Schema.STRING_SCHEMA).field("total_order", Schema.INT64_SCHEMA).optional().build();
        Schema envelope = SchemaBuilder.struct().field("op", Schema.STRING_SCHEMA).field("before", row).field("after", row)
                .field("source", source).field("transaction", transaction).build();
        RecordConverter converter = new RecordConverter("p", new TableId("ferry", "heartbeat"), new TableId("ferry", "debezium_signal"),
                t -> List.of());
        java.util.function.BiFunction<Long, String, Converted> change = (lsn, note) -> {
            Struct value = new Struct(envelope).put("op", lsn == 100L ? "c" : "u")
                    .put("before", lsn == 100L ? null : new Struct(row).put("id", 7L).put("note", "first"))
                    .put("after", new Struct(row).put("id", 7L).put("note", note))
                    .put("source", new Struct(source).put("db", "app").put("schema", "public").put("table", "orders")
                            .put("lsn", lsn).put("txId", lsn + 1).put("ts_ms", 1_700_000_000_123L).put("ts_us", 1_700_000_000_123_456L + lsn))
                    .put("transaction", new Struct(transaction).put("id", "tx").put("total_order", lsn / 100));
            return converter.convert(new SourceRecord(Map.of("server", "app"), Map.of("lsn", lsn), "t", null, key,
                    new Struct(key).put("id", 7L), envelope, value));
        };

        ChangeEvent.RowChange insert = ((Converted.Row) change.apply(100L, "first")).event();
        ChangeEvent.RowChange update = ((Converted.Row) change.apply(0x1_0000_0200L, null)).event();

        assertThat(insert.table()).isEqualTo(new TableId("public", "orders"));
        assertThat(insert.source().pos()).isEqualTo("0/64");
        assertThat(insert.source().txId()).isEqualTo("101");
        assertThat(insert.source().tsUs()).isEqualTo(1_700_000_000_123_556L);
        assertThat(insert.source().snapshot()).as("snapshot's default 'false'").isFalse();
        assertThat(insert.before()).isNull();
        assertThat(insert.after().get("note").textValue()).isEqualTo("first");
        assertThat(update.table()).isEqualTo(new TableId("public", "orders"));
        assertThat(update.source().pos()).isEqualTo("1/200");
        assertThat(update.source().txSeq()).as("total_order counted from 0").isEqualTo(0x1_0000_0200L / 100 - 1);
        assertThat(update.before().get("note").textValue()).isEqualTo("first");
        assertThat(update.after().get("note").isNull()).isTrue();
        assertThat(update.key().get("id").longValue()).isEqualTo(7L);
    }

    @Test
    void aTableLearnedAgainWithAnotherShapeIsConvertedWithItsNewColumns() {
        Schema key = SchemaBuilder.struct().field("id", Schema.INT64_SCHEMA).build();
        Schema source = SchemaBuilder.struct().name("io.debezium.connector.postgresql.Source").field("db", Schema.STRING_SCHEMA)
                .field("schema", Schema.STRING_SCHEMA).field("table", Schema.STRING_SCHEMA).field("lsn", Schema.OPTIONAL_INT64_SCHEMA)
                .field("ts_ms", Schema.INT64_SCHEMA).build();
        RecordConverter converter = new RecordConverter("p", new TableId("ferry", "heartbeat"), new TableId("ferry", "debezium_signal"),
                t -> List.of());
        java.util.function.BiFunction<Schema, Struct, Converted> insert = (row, after) -> {
            // the same names each time, as Debezium gives them when it makes a table's schemas anew
            Schema envelope = SchemaBuilder.struct().name("app.public.items.Envelope").field("op", Schema.STRING_SCHEMA)
                    .field("before", row).field("after", row).field("source", source).build();
            Struct value = new Struct(envelope).put("op", "c").put("after", after).put("source", new Struct(source).put("db", "app")
                    .put("schema", "public").put("table", "items").put("lsn", 100L).put("ts_ms", 1L));
            return converter.convert(new SourceRecord(Map.of("server", "app"), Map.of("lsn", 100L), "t", null, key,
                    new Struct(key).put("id", 1L), envelope, value));
        };
        Schema v1 = SchemaBuilder.struct().name("app.public.items.Value").field("id", Schema.INT64_SCHEMA).optional().build();
        Schema v2 = SchemaBuilder.struct().name("app.public.items.Value").field("id", Schema.INT64_SCHEMA)
                .field("label", Schema.OPTIONAL_STRING_SCHEMA).optional().build();
        // equal to v2, not the same object: the struct is read by name
        Schema v2Copy = SchemaBuilder.struct().name("app.public.items.Value").field("id", Schema.INT64_SCHEMA)
                .field("label", Schema.OPTIONAL_STRING_SCHEMA).optional().build();

        ChangeEvent.RowChange first = ((Converted.Row) insert.apply(v1, new Struct(v1).put("id", 1L))).event();
        ChangeEvent.RowChange second = ((Converted.Row) insert.apply(v2, new Struct(v2).put("id", 2L).put("label", "two"))).event();
        ChangeEvent.RowChange third = ((Converted.Row) insert.apply(v2, new Struct(v2Copy).put("id", 3L).put("label", "three"))).event();

        assertThat(first.after().columns()).containsExactly("id");
        assertThat(second.after().columns()).containsExactly("id", "label");
        assertThat(second.after().get("label").textValue()).isEqualTo("two");
        assertThat(third.after().get("id").longValue()).isEqualTo(3L);
        assertThat(third.after().get("label").textValue()).isEqualTo("three");
    }

    @Test
    void aSourceBlockWithoutItsTableIsDeadLetteredNamingTheField() {
        Schema row = SchemaBuilder.struct().field("id", Schema.INT64_SCHEMA).optional().build();
        Schema source = SchemaBuilder.struct().field("db", Schema.STRING_SCHEMA).field("lsn", Schema.OPTIONAL_INT64_SCHEMA)
                .field("ts_ms", Schema.INT64_SCHEMA).build();
        Schema envelope = SchemaBuilder.struct().field("op", Schema.STRING_SCHEMA).field("before", row).field("after", row)
                .field("source", source).build();
        Struct value = new Struct(envelope).put("op", "c").put("after", new Struct(row).put("id", 1L))
                .put("source", new Struct(source).put("db", "app").put("lsn", 5L).put("ts_ms", 1L));

        Converted converted = new RecordConverter("p", new TableId("ferry", "heartbeat"), new TableId("ferry", "debezium_signal"),
                t -> List.of()).convert(new SourceRecord(Map.of(), Map.of("lsn", 5L), "t", null, null, null, envelope, value));

        // a row change all the same: before session 31 it was skipped without a word
        assertThat(converted).isInstanceOfSatisfying(Converted.Failure.class, failure -> {
            assertThat(failure.table()).isNull();
            assertThat(failure.reason()).isEqualTo("no table or position in a 'c' record");
            assertThat(failure.detail()).contains("table is not a valid field name");
        });
    }

    @Test
    void aHeartbeatIsAMarkerOnlyWhenItComesFromTheLogNotFromTheSnapshot() {
        Schema row = SchemaBuilder.struct().name("ferry.heartbeat.Value").field("pipeline", Schema.STRING_SCHEMA)
                .field("kind", Schema.STRING_SCHEMA).field("seq", Schema.INT64_SCHEMA).optional().build();
        Schema key = SchemaBuilder.struct().field("pipeline", Schema.STRING_SCHEMA).field("kind", Schema.STRING_SCHEMA).build();
        Schema source = SchemaBuilder.struct().field("db", Schema.STRING_SCHEMA).field("schema", Schema.STRING_SCHEMA)
                .field("table", Schema.STRING_SCHEMA).field("lsn", Schema.OPTIONAL_INT64_SCHEMA).field("txId", Schema.OPTIONAL_INT64_SCHEMA)
                .field("ts_ms", Schema.INT64_SCHEMA).build();
        Schema envelope = SchemaBuilder.struct().field("op", Schema.STRING_SCHEMA).field("before", row).field("after", row)
                .field("source", source).build();
        RecordConverter converter = new RecordConverter("p", new TableId("ferry", "heartbeat"), new TableId("ferry", "debezium_signal"),
                t -> List.of());
        java.util.function.Function<String, Converted> heartbeat = op -> {
            Struct value = new Struct(envelope).put("op", op).put("after", new Struct(row).put("pipeline", "p").put("kind", "heartbeat")
                    .put("seq", 41L)).put("source", new Struct(source).put("db", "app").put("schema", "ferry").put("table", "heartbeat")
                    .put("lsn", 1000L).put("ts_ms", 1_700_000_000_000L));
            return converter.convert(new SourceRecord(Map.of(), Map.of("lsn", 1000L), "t", null, key,
                    new Struct(key).put("pipeline", "p").put("kind", "heartbeat"), envelope, value));
        };
        assertThat(heartbeat.apply("u")).isInstanceOfSatisfying(Converted.MarkerRow.class,
                m -> assertThat(m.marker().id()).isEqualTo(41));
        // read by the snapshot: its time is when it was read, and changes committed before that are streamed after it
        assertThat(heartbeat.apply("r")).isInstanceOf(Converted.Skip.class);
    }

    /**
     * On a read-only source Debezium's own heartbeats are the markers: their time is the commit time of the last change
     * their offset says was processed (source clock), not when they were sent (this host's clock, "now" even while
     * Debezium is minutes behind).
     */
    @Test
    void aDebeziumHeartbeatCarriesTheCommitTimeOfItsOffset() {
        Schema value = SchemaBuilder.struct().name("io.debezium.connector.common.Heartbeat").field("ts_ms", Schema.INT64_SCHEMA).build();
        RecordConverter converter = new RecordConverter("p", new TableId("ferry", "heartbeat"), new TableId("ferry", "debezium_signal"),
                t -> List.of());
        long sentMs = 1_800_000_000_000L;
        java.util.function.Function<Map<String, ?>, Converted> heartbeat = offset -> converter.convert(new SourceRecord(
                Map.of("server", "p"), offset, "__debezium-heartbeat.p", null, null, null, value,
                new Struct(value).put("ts_ms", sentMs)));
        long committedUs = 1_799_999_000_000_123L;
        assertThat(heartbeat.apply(Map.of("lsn", 5000L, "ts_usec", committedUs))).isInstanceOfSatisfying(Converted.MarkerRow.class, m -> {
            assertThat(m.source().tsUs()).isEqualTo(committedUs);
            assertThat(m.marker().tsUs()).isEqualTo(committedUs);
            assertThat(m.source().order()).as("the offset's position").isEqualTo(5000);
        });
        assertThat(heartbeat.apply(Map.of("file", "binlog.000003", "pos", 400L, "ts_sec", 1_799_999_000L)))
                .isInstanceOfSatisfying(Converted.MarkerRow.class, m -> {
                    assertThat(m.source().tsUs()).isEqualTo(1_799_999_000_000_000L);
                    assertThat(m.source().order()).isEqualTo(RecordConverter.binlogOrder("binlog.000003", 400, 0, 0));
                });
        assertThat(heartbeat.apply(Map.of("lsn", 5000L))).as("no commit time in the offset yet: no marker (not this host's now)")
                .isInstanceOf(Converted.Skip.class);
    }

    /** The aligner and the sinks drop a marker id not above the last they passed: a new launch must not start again at 1. */
    @Test
    void debeziumHeartbeatIdsGrowAcrossConverters() throws Exception {
        Schema value = SchemaBuilder.struct().name("io.debezium.connector.common.Heartbeat").field("ts_ms", Schema.INT64_SCHEMA).build();
        java.util.function.Function<RecordConverter, Long> beat = converter -> ((Converted.MarkerRow) converter.convert(new SourceRecord(
                Map.of("server", "p"), Map.of("lsn", 5000L, "ts_usec", 1_000_000L), "__debezium-heartbeat.p", null, null, null, value,
                new Struct(value).put("ts_ms", 1L)))).marker().id();
        RecordConverter first = new RecordConverter("p", new TableId("ferry", "heartbeat"), new TableId("ferry", "debezium_signal"),
                t -> List.of());
        long a = beat.apply(first);
        long b = beat.apply(first);
        assertThat(b).isGreaterThan(a);
        Thread.sleep(2);
        RecordConverter relaunched = new RecordConverter("p", new TableId("ferry", "heartbeat"), new TableId("ferry", "debezium_signal"),
                t -> List.of());
        assertThat(beat.apply(relaunched)).isGreaterThan(b);
    }

    @Test
    void lsnsAreWrittenInPostgresNotation() {
        org.assertj.core.api.Assertions.assertThat(RecordConverter.lsn((0x16B3748L << 32) | 0xABCDEFL)).isEqualTo("16B3748/ABCDEF");
        org.assertj.core.api.Assertions.assertThat(RecordConverter.lsn(0)).isEqualTo("0/0");
        org.assertj.core.api.Assertions.assertThat(RecordConverter.lsn(-1)).isEqualTo("FFFFFFFF/FFFFFFFF");
        java.util.Random random = new java.util.Random(11);
        for (int i = 0; i < 10_000; i++) {
            long lsn = random.nextLong() >>> random.nextInt(64);
            org.assertj.core.api.Assertions.assertThat(RecordConverter.lsn(lsn))
                    .isEqualTo(String.format("%X/%X", lsn >>> 32, lsn & 0xFFFFFFFFL));
        }
    }
}
