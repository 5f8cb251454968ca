package io.ferry.sinks.mongodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferry.core.event.Row;
import io.ferry.core.event.SourceInfo;
import io.ferry.core.event.TargetEvent;
import io.ferry.core.event.TargetEvent.PathStep;
import io.ferry.core.schema.Column;
import io.ferry.core.spi.KeyRange;
import io.ferry.core.spi.SinkFactory;
import io.ferry.core.spi.SinkWriteException;
import io.ferry.core.spi.TargetTable;
import io.ferry.core.types.CanonicalType;
import io.ferry.core.types.ColumnType;
import io.ferry.core.types.Tolerance;
import io.ferry.devstack.MongoService;
import io.ferry.devstack.Service;
import io.ferry.devstack.junit.WithServices;
import io.ferry.sinks.SinkContractIT;
import io.ferry.sinks.SinkOptionsFixture;
import io.ferry.sinks.runtime.RuntimeSinkContext;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.bson.types.Decimal128;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Against mongo-java-server locally (the docker provider runs real MongoDB): it has no transactions and
 * no change streams, which the sink does not use, and only partial arrayFilters, which the sink avoids
 * for patches up to two array levels deep.
 */
@WithServices(Service.MONGODB)
class MongoSinkIT extends SinkContractIT {

    private static MongoService mongo;
    private static final SourceInfo SOURCE = new SourceInfo("src", "0/1", 1, "1", 1_700_000_000_000_000L, false);

    @BeforeAll
    static void server(MongoService m) {
        mongo = m;
    }

    @Override
    protected SinkFactory factory() {
        return new MongoSinkFactory();
    }

    @Override
    protected String options() {
        return "uri: " + mongo.connectionString() + "\ndatabase: contract\n";
    }

    @Override
    protected boolean schemaless() {
        return true;
    }

    @Override
    protected Tolerance tolerance() {
        return Tolerance.timePrecision(ChronoUnit.MILLIS);
    }

    @Override
    protected Column poisonColumn() {
        return new Column("born", ColumnType.of(CanonicalType.DATE), true);
    }

    /** A BSON date has no infinity. */
    @Override
    protected JsonNode poisonValue() {
        return F.textNode("infinity");
    }

    private static Row key(String column, int id) {
        return Row.builder().put(column, F.numberNode(id)).build();
    }

    @Test
    void patchesChangeOneElementOrSubDocumentInPlaceAndReplayIdempotently() throws Exception {
        TargetTable customers = TargetTable.keyed("customers_patch", List.of(new Column("customer_id", ColumnType.of(CanonicalType.INT64), false),
                new Column("name", ColumnType.of(CanonicalType.STRING), true)), List.of("customer_id"));
        try (MongoSink sink = (MongoSink) factory().create(new RuntimeSinkContext("contract", "patches",
                SinkOptionsFixture.bind(factory(), options()), () -> Map.of(customers.name(), customers)))) {
            Row customer = key("customer_id", 7);
            Row order1 = Row.builder().put("order_id", F.numberNode(1001)).put("status", F.textNode("pending"))
                    .put("items", F.arrayNode()).build();
            Row item = Row.builder().put("item_id", F.numberNode(1)).put("product", F.textNode("Headphones")).build();
            List<TargetEvent> events = List.of(
                    new TargetEvent.Upsert(customers.name(), customer, customer.with("name", F.textNode("Alice")), SOURCE),
                    patch(customer, List.of(PathStep.element("orders", key("order_id", 1001))), order1),
                    patch(customer, List.of(PathStep.element("orders", key("order_id", 1002))), key("order_id", 1002)),
                    patch(customer, List.of(PathStep.element("orders", key("order_id", 1001)), PathStep.element("items", key("item_id", 1))), item),
                    patch(customer, List.of(PathStep.field("profile"), PathStep.field("preferences")),
                            Row.builder().put("theme", F.textNode("dark")).build()),
                    new TargetEvent.Patch(customers.name(), customer, List.of(PathStep.element("orders", key("order_id", 1002))),
                            TargetEvent.Patch.Action.REMOVE, null, SOURCE));
            sink.write(events);
            Document once = sink.document(customers.name(), customer);
            sink.write(events);
            Document twice = sink.document(customers.name(), customer);

            assertThat(once.getString("name")).isEqualTo("Alice");
            List<Document> orders = once.getList("orders", Document.class);
            assertThat(orders).extracting(o -> o.get("order_id")).containsExactly(1001);
            assertThat(orders.get(0).getList("items", Document.class)).extracting(i -> i.getString("product")).containsExactly("Headphones");
            assertThat(once.get("profile", Document.class).get("preferences", Document.class).getString("theme")).isEqualTo("dark");
            assertThat(twice).isEqualTo(once);

            // changing an item patches it in place; removing the order takes its items with it
            sink.write(List.of(patch(customer, List.of(PathStep.element("orders", key("order_id", 1001)),
                    PathStep.element("items", key("item_id", 1))), item.with("product", F.textNode("Earbuds")))));
            assertThat(sink.document(customers.name(), customer).getList("orders", Document.class).get(0)
                    .getList("items", Document.class)).extracting(i -> i.getString("product")).containsExactly("Earbuds");
            sink.write(List.of(new TargetEvent.Patch(customers.name(), customer, List.of(PathStep.element("orders", key("order_id", 1001))),
                    TargetEvent.Patch.Action.REMOVE, null, SOURCE)));
            assertThat(sink.document(customers.name(), customer).getList("orders", Document.class)).isEmpty();
        }
    }

    /**
     * A document over MongoDB's 16 MiB is refused by the driver before it is sent, with an exception that names no write
     * (a BSON one, not a MongoException): its event goes to the dead-letter topic and the others of the batch are written.
     * Before, the exception left the sink, which retried the same batch for ever.
     */
    @Test
    void aDocumentTooLargeForMongoDbIsRefusedAloneAndTheRestWritten() throws Exception {
        TargetTable t = TargetTable.keyed("too_large", List.of(new Column("id", ColumnType.of(CanonicalType.INT64), false),
                new Column("payload", ColumnType.of(CanonicalType.STRING), true)), List.of("id"));
        try (MongoSink sink = (MongoSink) factory().create(new RuntimeSinkContext("contract", "too-large",
                SinkOptionsFixture.bind(factory(), options()), () -> Map.of(t.name(), t)))) {
            List<TargetEvent> batch = new ArrayList<>();
            for (int id = 1; id <= 5; id++) {
                String payload = id == 3 ? "x".repeat(17 * 1024 * 1024) : "small " + id;
                batch.add(new TargetEvent.Upsert(t.name(), key("id", id), key("id", id).with("payload", F.textNode(payload)), SOURCE));
            }
            SinkWriteException e = catchThrowableOfType(SinkWriteException.class, () -> sink.write(batch));
            assertThat(e).as("the batch with a 17 MiB document").isNotNull();
            assertThat(e.retryable()).isFalse();
            assertThat(e.rejected()).containsOnlyKeys(2);
            assertThat(e.rejected().get(2)).contains("cannot hold the document");
            List<Long> ids = new ArrayList<>();
            sink.read(t.name(), KeyRange.ALL, r -> ids.add(r.get("id").asLong()));
            assertThat(ids).containsExactly(1L, 2L, 4L, 5L);
        }
    }

    /**
     * A collection larger than one server reply (48,000,000 bytes) reads back whole and in key order: the reader asks for
     * batches, which mongo-java-server otherwise does not make (it answered a 1,000,000-document find in one 236 MB
     * reply, which the driver refused; ValidationBenchmark).
     */
    @Test
    void aCollectionLargerThanOneReplyReadsBackInBatches() throws Exception {
        TargetTable big = TargetTable.keyed("big_read", List.of(new Column("id", ColumnType.of(CanonicalType.INT64), false),
                new Column("payload", ColumnType.of(CanonicalType.STRING), true)), List.of("id"));
        int documents = 3_000;
        String payload = "x".repeat(20_000);
        try (MongoSink sink = (MongoSink) factory().create(new RuntimeSinkContext("contract", "big-read",
                SinkOptionsFixture.bind(factory(), options()), () -> Map.of(big.name(), big)))) {
            for (int from = 0; from < documents; from += 500) {
                List<TargetEvent> batch = new ArrayList<>();
                for (int id = from; id < from + 500; id++) {
                    batch.add(new TargetEvent.Upsert(big.name(), key("id", id), key("id", id).with("payload", F.textNode(payload)), SOURCE));
                }
                sink.write(batch);
            }
            List<Long> ids = new ArrayList<>();
            sink.read(big.name(), KeyRange.ALL, r -> {
                assertThat(r.get("payload").textValue()).hasSize(payload.length());
                ids.add(r.get("id").asLong());
            });
            assertThat(ids).hasSize(documents).isSorted().doesNotHaveDuplicates();
        }
    }

    @Test
    void nestedValuesAreTypedAtEveryDepthInUpsertsAndPatches() throws Exception {
        Map<String, ColumnType> item = new LinkedHashMap<>();
        item.put("item_id", ColumnType.of(CanonicalType.INT64));
        item.put("unit_price", ColumnType.decimal(10, 2));
        Map<String, ColumnType> order = new LinkedHashMap<>();
        order.put("order_id", ColumnType.of(CanonicalType.INT64));
        order.put("order_date", ColumnType.of(CanonicalType.TIMESTAMP));
        order.put("total_amount", ColumnType.decimal(12, 2));
        order.put("shipping", ColumnType.document(Map.of("cost", ColumnType.decimal(8, 2))));
        order.put("items", ColumnType.documentArray(item));
        TargetTable customers = TargetTable.keyed("customers_typed", List.of(
                new Column("customer_id", ColumnType.of(CanonicalType.INT64), false),
                new Column("profile", ColumnType.document(Map.of("preferences", ColumnType.document(Map.of(
                        "changed_at", ColumnType.of(CanonicalType.TIMESTAMPTZ))))), false),
                new Column("orders", ColumnType.documentArray(order), false)), List.of("customer_id"));
        String berlin = options() + "naive_time_zone: Europe/Berlin\n";
        try (MongoSink sink = (MongoSink) factory().create(new RuntimeSinkContext("contract", "typed",
                SinkOptionsFixture.bind(factory(), berlin), () -> Map.of(customers.name(), customers)))) {
            Row customer = key("customer_id", 7);
            ObjectNode order1001 = F.objectNode().put("order_id", 1001).put("order_date", "2024-03-15T10:30:00.123456")
                    .put("total_amount", "129.99").put("status", "pending");
            order1001.putObject("shipping").put("cost", "15.90");
            order1001.putArray("items").addObject().put("item_id", 1).put("unit_price", "19.90");
            ObjectNode profile = F.objectNode();
            profile.putObject("preferences").put("changed_at", "2024-03-01T00:00:00.000000Z");
            Row upserted = customer.with("profile", profile).with("orders", F.arrayNode().add(order1001));
            Row order1002 = Row.builder().put("order_id", F.numberNode(1002)).put("order_date", F.textNode("2024-03-16T23:59:59.999999"))
                    .put("total_amount", F.textNode("5.00")).put("items", F.arrayNode()).build();
            Row item2 = Row.builder().put("item_id", F.numberNode(2)).put("unit_price", F.textNode("0.10")).build();
            List<TargetEvent> events = List.of(
                    new TargetEvent.Upsert(customers.name(), customer, upserted, SOURCE),
                    set(customers.name(), customer, List.of(PathStep.element("orders", key("order_id", 1002))), order1002),
                    set(customers.name(), customer, List.of(PathStep.element("orders", key("order_id", 1001)), PathStep.element("items", key("item_id", 2))),
                            item2),
                    set(customers.name(), customer, List.of(PathStep.field("profile"), PathStep.field("preferences")),
                            Row.builder().put("changed_at", F.textNode("2024-03-20T12:00:00.000000Z")).build()));
            sink.write(events);
            Document once = sink.document(customers.name(), customer);
            sink.write(events);
            assertThat(sink.document(customers.name(), customer)).isEqualTo(once);

            List<Document> orders = once.getList("orders", Document.class);
            assertThat(orders).extracting(o -> o.get("order_id")).containsExactlyInAnyOrder(1001L, 1002L);
            Document first = orders.stream().filter(o -> o.get("order_id").equals(1001L)).findFirst().orElseThrow();
            assertThat(first.get("total_amount")).isEqualTo(new Decimal128(new BigDecimal("129.99")));
            // naive timestamps are instants in the sink's naive time zone, truncated to milliseconds, at any depth
            assertThat(first.get("order_date")).isEqualTo(Date.from(Instant.parse("2024-03-15T09:30:00.123Z")));
            assertThat(first.get("status")).isEqualTo("pending"); // a field without a type keeps its JSON shape
            assertThat(first.get("shipping", Document.class).get("cost")).isEqualTo(new Decimal128(new BigDecimal("15.90")));
            assertThat(first.getList("items", Document.class)).extracting(i -> i.get("item_id"), i -> i.get("unit_price")).containsExactlyInAnyOrder(
                    tuple(1L, new Decimal128(new BigDecimal("19.90"))), tuple(2L, new Decimal128(new BigDecimal("0.10"))));
            Document second = orders.stream().filter(o -> o.get("order_id").equals(1002L)).findFirst().orElseThrow();
            assertThat(second.get("total_amount")).isEqualTo(new Decimal128(new BigDecimal("5.00")));
            assertThat(second.get("order_date")).isEqualTo(Date.from(Instant.parse("2024-03-16T22:59:59.999Z")));
            assertThat(once.get("profile", Document.class).get("preferences", Document.class).get("changed_at"))
                    .isEqualTo(Date.from(Instant.parse("2024-03-20T12:00:00Z")));

            // a patch of a typed element replaces it, found by its typed key; reading back gives canonical values
            sink.write(List.of(set(customers.name(), customer, List.of(PathStep.element("orders", key("order_id", 1001))),
                    Row.builder().put("order_id", F.numberNode(1001)).put("order_date", F.textNode("2024-03-17T08:00:00.000000"))
                            .put("total_amount", F.textNode("149.50")).build())));
            List<Row> read = new ArrayList<>();
            sink.read(customers.name(), KeyRange.ALL, read::add);
            assertThat(read).hasSize(1);
            JsonNode readOrders = read.get(0).get("orders");
            assertThat(readOrders).hasSize(2);
            JsonNode patched = readOrders.get(0).get("order_id").asLong() == 1001 ? readOrders.get(0) : readOrders.get(1);
            assertThat(patched.get("total_amount").textValue()).isEqualTo("149.50");
            assertThat(patched.get("order_date").textValue()).isEqualTo("2024-03-17T08:00:00.000000");
            assertThat(read.get(0).get("profile").get("preferences").get("changed_at").textValue()).isEqualTo("2024-03-20T12:00:00.000000Z");
            assertThat(sink.document(customers.name(), customer).getList("orders", Document.class)
                    .stream().filter(o -> o.get("order_id").equals(1001L)).findFirst().orElseThrow().get("order_date"))
                    .isEqualTo(Date.from(Instant.parse("2024-03-17T07:00:00Z")));
        }
    }

    private static TargetEvent patch(Row customer, List<PathStep> path, Row value) {
        return set("customers_patch", customer, path, value);
    }

    private static TargetEvent set(String table, Row key, List<PathStep> path, Row value) {
        return new TargetEvent.Patch(table, key, path, TargetEvent.Patch.Action.SET, value, SOURCE);
    }
}
