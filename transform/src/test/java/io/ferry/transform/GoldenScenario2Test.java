package io.ferry.transform;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.event.TableId;
import io.ferry.transform.topology.Cascade;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SCENARIOS.md 2: MariaDB customers, addresses, preferences, orders, items and payment methods into one
 * MongoDB document per customer; child changes go out as patches, MariaDB's unlogged cascades are synthesized.
 */
class GoldenScenario2Test {

    private TopologyHarness h;

    static List<Cascade> cascades() {
        TableId customers = TableId.parse("shop.customers");
        List<String> id = List.of("customer_id");
        return List.of(
                new Cascade(TableId.parse("shop.customer_addresses"), id, customers, id, false),
                new Cascade(TableId.parse("shop.customer_preferences"), id, customers, id, false),
                new Cascade(TableId.parse("shop.orders"), id, customers, id, false),
                new Cascade(TableId.parse("shop.payment_methods"), id, customers, id, false),
                new Cascade(TableId.parse("shop.order_items"), List.of("order_id"), TableId.parse("shop.orders"), List.of("order_id"), false));
    }

    static TopologyHarness harness() {
        return new TopologyHarness(TopologyHarness.resource("scenario2/pipeline.yaml"), cascades())
                .key("shop.customers", "customer_id").key("shop.customer_addresses", "address_id")
                .key("shop.customer_preferences", "customer_id").key("shop.orders", "order_id").key("shop.order_items", "item_id")
                .key("shop.payment_methods", "method_id");
    }

    @BeforeEach
    void start() {
        h = harness();
    }

    @AfterEach
    void stop() {
        h.close();
    }

    static String customer(long id, String first) {
        return "{\"customer_id\":" + id + ",\"first_name\":\"" + first + "\",\"last_name\":\"Johnson\",\"email\":\"c" + id
                + "@example.com\",\"phone\":null,\"created_at\":\"2024-03-01T00:00:00.000000Z\",\"updated_at\":\"2024-03-01T00:00:00.000000Z\"}";
    }

    static String order(long id, long customer, String status) {
        return "{\"order_id\":" + id + ",\"customer_id\":" + customer + ",\"order_date\":\"2024-03-15T10:30:00.000000Z\","
                + "\"total_amount\":\"299.99\",\"status\":\"" + status + "\",\"shipping_method\":\"express\",\"shipping_cost\":\"15.99\","
                + "\"tracking_number\":\"TRACK123456\"}";
    }

    static String item(long id, long order, int quantity) {
        return "{\"item_id\":" + id + ",\"order_id\":" + order + ",\"product_id\":\"PROD123\",\"product_name\":\"Wireless Headphones\","
                + "\"quantity\":" + quantity + ",\"unit_price\":\"199.99\",\"category\":\"Electronics\"}";
    }

    static final String ADDRESS = "{\"address_id\":1,\"customer_id\":1,\"address_type\":\"both\",\"street\":\"123 Main St\","
            + "\"city\":\"San Francisco\",\"state\":\"CA\",\"zip_code\":\"94105\",\"country\":\"US\",\"is_active\":1}";
    static final String PREFS = "{\"customer_id\":1,\"marketing_emails\":1,\"sms_notifications\":0,\"theme\":\"dark\",\"preferences_json\":null}";
    static final String CARD = "{\"method_id\":\"pm_001\",\"customer_id\":1,\"type\":\"credit_card\",\"last_four\":\"4242\","
            + "\"expires\":\"12/25\",\"is_default\":1}";

    private void snapshot() {
        h.read("shop.customers", customer(1, "Alice"));
        h.read("shop.customers", customer(2, "Bob"));
        h.read("shop.customer_preferences", PREFS);
        h.read("shop.customer_addresses", ADDRESS);
        h.read("shop.orders", order(1001, 1, "completed"));
        h.read("shop.order_items", item(1, 1001, 1));
        h.read("shop.payment_methods", CARD);
    }

    @Test
    void snapshotBuildsTheDocumentWithPatches() {
        snapshot();
        assertThat(h.drain()).containsExactly(
                "upsert mongo.customers {\"_id\":1} {\"_id\":1,\"customer_id\":1,\"profile\":{\"first_name\":\"Alice\",\"last_name\":"
                        + "\"Johnson\",\"email\":\"c1@example.com\",\"phone\":null,\"preferences\":null},\"addresses\":[],\"orders\":[],"
                        + "\"payment_methods\":[],\"created_at\":\"2024-03-01T00:00:00.000000Z\",\"updated_at\":\"2024-03-01T00:00:00.000000Z\"}",
                "upsert mongo.customers {\"_id\":2} {\"_id\":2,\"customer_id\":2,\"profile\":{\"first_name\":\"Bob\",\"last_name\":"
                        + "\"Johnson\",\"email\":\"c2@example.com\",\"phone\":null,\"preferences\":null},\"addresses\":[],\"orders\":[],"
                        + "\"payment_methods\":[],\"created_at\":\"2024-03-01T00:00:00.000000Z\",\"updated_at\":\"2024-03-01T00:00:00.000000Z\"}",
                "patch mongo.customers {\"_id\":1} set profile {\"first_name\":\"Alice\",\"last_name\":\"Johnson\",\"email\":"
                        + "\"c1@example.com\",\"phone\":null,\"preferences\":{\"marketing_emails\":true,\"sms_notifications\":false,"
                        + "\"theme\":\"dark\",\"extra\":{}}}",
                "patch mongo.customers {\"_id\":1} set addresses{\"address_id\":1} {\"address_id\":1,\"type\":\"both\",\"street\":"
                        + "\"123 Main St\",\"city\":\"San Francisco\",\"state\":\"CA\",\"zip_code\":\"94105\",\"country\":\"US\",\"active\":true}",
                "patch mongo.customers {\"_id\":1} set orders{\"order_id\":1001} {\"order_id\":1001,\"order_date\":"
                        + "\"2024-03-15T10:30:00.000000Z\",\"total_amount\":\"299.99\",\"status\":\"completed\",\"shipping\":{\"method\":"
                        + "\"express\",\"cost\":\"15.99\",\"tracking_number\":\"TRACK123456\"},\"items\":[]}",
                "patch mongo.customers {\"_id\":1} set orders{\"order_id\":1001}.items{\"item_id\":1} {\"item_id\":1,\"product_id\":"
                        + "\"PROD123\",\"product_name\":\"Wireless Headphones\",\"quantity\":1,\"unit_price\":\"199.99\",\"category\":\"Electronics\"}",
                "patch mongo.customers {\"_id\":1} set payment_methods{\"method_id\":\"pm_001\"} {\"method_id\":\"pm_001\",\"type\":"
                        + "\"credit_card\",\"last_four\":\"4242\",\"expires\":\"12/25\",\"is_default\":true}");
    }

    @Test
    void changesOfSeveralTablesAreAppliedInSourceOrderWhateverOrderTheyArriveIn() {
        snapshot();
        h.drain();
        long t = 1_800_000_000_000_000L;
        // at the source: order 1001 moves to Bob, then Bob is deleted and MariaDB deletes his orders without logging it.
        // Delivered the other way round (another partition's router was ahead), the cascade must still see the order.
        h.send("shop.customers", io.ferry.core.event.ChangeEvent.Op.DELETE, "{\"customer_id\":2}", t + 10);
        h.send("shop.orders", io.ferry.core.event.ChangeEvent.Op.UPDATE, order(1001, 2, "completed"), t);
        List<String> out = h.drain();
        assertThat(out).hasSize(3);
        assertThat(out.get(0)).isEqualTo("patch mongo.customers {\"_id\":1} remove orders{\"order_id\":1001}");
        assertThat(out.get(1)).startsWith("patch mongo.customers {\"_id\":2} set orders{\"order_id\":1001} ");
        assertThat(out.get(2)).isEqualTo("delete mongo.customers {\"_id\":2}");
        // a new customer 2: the deleted customer's order went with him, it is not in the new document
        h.send("shop.customers", io.ferry.core.event.ChangeEvent.Op.CREATE, customer(2, "Carol"), t + 20);
        assertThat(h.drain()).singleElement().asString().startsWith("upsert mongo.customers {\"_id\":2} ").contains("\"orders\":[]");
    }

    @Test
    void childUpdatePatchesOnlyItsElement() {
        snapshot();
        h.drain();
        h.update("shop.order_items", item(1, 1001, 3));
        assertThat(h.drain()).containsExactly("patch mongo.customers {\"_id\":1} set orders{\"order_id\":1001}.items{\"item_id\":1} "
                + "{\"item_id\":1,\"product_id\":\"PROD123\",\"product_name\":\"Wireless Headphones\",\"quantity\":3,\"unit_price\":"
                + "\"199.99\",\"category\":\"Electronics\"}");
        h.update("shop.orders", order(1001, 1, "shipped"));
        assertThat(h.drain()).singleElement().asString().startsWith("patch mongo.customers {\"_id\":1} set orders{\"order_id\":1001} ")
                .contains("\"status\":\"shipped\"", "\"quantity\":3");
    }

    @Test
    void orderMovedToAnotherCustomerLeavesOneDocumentAndJoinsTheOther() {
        snapshot();
        h.drain();
        h.update("shop.orders", order(1001, 2, "completed"));
        List<String> out = h.drain();
        assertThat(out).hasSize(2);
        assertThat(out).contains("patch mongo.customers {\"_id\":1} remove orders{\"order_id\":1001}");
        assertThat(out).anySatisfy(l -> assertThat(l).startsWith("patch mongo.customers {\"_id\":2} set orders{\"order_id\":1001} ")
                .contains("\"items\":[{\"item_id\":1,"));
    }

    @Test
    void customerScalarChangeRewritesTheDocumentAndDeleteRemovesIt() {
        snapshot();
        h.drain();
        // a value inside the profile sub-document: the sub-document is replaced
        h.update("shop.customers", customer(1, "Alicia"));
        assertThat(h.drain()).singleElement().asString().startsWith("patch mongo.customers {\"_id\":1} set profile ")
                .contains("\"first_name\":\"Alicia\"", "\"theme\":\"dark\"");
        // a value of the document itself: the whole document is written, children included
        h.update("shop.customers", customer(1, "Alicia").replace("\"updated_at\":\"2024-03-01", "\"updated_at\":\"2024-03-02"));
        assertThat(h.drain()).singleElement().asString().startsWith("upsert mongo.customers {\"_id\":1} ")
                .contains("\"updated_at\":\"2024-03-02", "\"orders\":[{\"order_id\":1001");
        h.delete("shop.customers", "{\"customer_id\":1}");
        assertThat(h.drain()).containsExactly("delete mongo.customers {\"_id\":1}");
    }

    @Test
    void unloggedCascadeClearsTheChildrenFromState() {
        snapshot();
        h.drain();
        // MariaDB logs only the order's delete; its items go with it
        h.delete("shop.orders", "{\"order_id\":1001}");
        assertThat(h.drain()).containsExactly("patch mongo.customers {\"_id\":1} remove orders{\"order_id\":1001}");
        // the order comes back under the same id: the old item must not come back with it
        h.insert("shop.orders", order(1001, 1, "pending"));
        assertThat(h.drain()).singleElement().asString().contains("\"items\":[]");
        // the customer's delete cascades to everything; nothing is left to resurface on a re-insert
        h.delete("shop.customers", "{\"customer_id\":1}");
        assertThat(h.drain()).containsExactly("delete mongo.customers {\"_id\":1}");
        h.insert("shop.customers", customer(1, "Alice"));
        assertThat(h.drain()).singleElement().asString()
                .contains("\"addresses\":[]", "\"orders\":[]", "\"payment_methods\":[]", "\"preferences\":null");
    }

    @Test
    void childBeforeItsParentAppearsWhenTheParentArrives() {
        h.read("shop.order_items", item(1, 1001, 1));
        h.read("shop.orders", order(1001, 1, "completed"));
        assertThat(h.drain()).isEmpty();
        h.read("shop.customers", customer(1, "Alice"));
        assertThat(h.drain()).singleElement().asString().contains("\"orders\":[{\"order_id\":1001", "\"items\":[{\"item_id\":1,");
    }
}
