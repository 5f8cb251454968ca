package io.ferry.sinks.mongodb;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.core.event.Row;
import io.ferry.core.event.SourceInfo;
import io.ferry.core.event.TargetEvent;
import io.ferry.core.event.TargetEvent.PathStep;
import io.ferry.core.schema.Column;
import io.ferry.core.spi.SinkFactory;
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
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.bson.Document;
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

    private static TargetEvent patch(Row customer, List<PathStep> path, Row value) {
        return new TargetEvent.Patch("customers_patch", customer, path, TargetEvent.Patch.Action.SET, value, SOURCE);
    }
}
