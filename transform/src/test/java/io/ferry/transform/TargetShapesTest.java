package io.ferry.transform;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.config.ConfigError;
import io.ferry.core.config.PipelineConfig;
import io.ferry.core.config.PipelineLoader;
import io.ferry.core.config.Problems;
import io.ferry.core.event.TableId;
import io.ferry.core.schema.Column;
import io.ferry.core.schema.TableSchema;
import io.ferry.core.spi.TargetTable;
import io.ferry.core.types.CanonicalType;
import io.ferry.core.types.ColumnType;
import io.ferry.transform.mapping.Mappings;
import io.ferry.transform.mapping.TargetShapes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Target tables computed from the source schemas, and the checks only the schemas allow. */
class TargetShapesTest {

    private static final TableId USERS = TableId.parse("public.users");
    private static final TableId SESSIONS = TableId.parse("public.user_sessions");
    private static final TableId EVENTS = TableId.parse("public.user_events");

    private static Map<TableId, TableSchema> schemas() {
        ColumnType ts = ColumnType.of(CanonicalType.TIMESTAMP);
        return Map.of(
                USERS, new TableSchema(USERS, List.of(new Column("user_id", ColumnType.of(CanonicalType.INT32), false),
                        new Column("email", ColumnType.of(CanonicalType.STRING), false), new Column("name", ColumnType.of(CanonicalType.STRING), false),
                        new Column("created_at", ts, true)), List.of("user_id"), 1),
                SESSIONS, new TableSchema(SESSIONS, List.of(new Column("session_id", ColumnType.of(CanonicalType.UUID), false),
                        new Column("user_id", ColumnType.of(CanonicalType.INT32), true), new Column("device_info", ColumnType.of(CanonicalType.JSON), true),
                        new Column("created_at", ts, true), new Column("last_activity", ts, true)), List.of("session_id"), 1),
                EVENTS, new TableSchema(EVENTS, List.of(new Column("event_id", ColumnType.of(CanonicalType.UUID), false),
                        new Column("user_id", ColumnType.of(CanonicalType.INT32), true), new Column("event_type", ColumnType.of(CanonicalType.STRING), true),
                        new Column("event_data", ColumnType.of(CanonicalType.JSON), true), new Column("created_at", ts, true)),
                        List.of("event_id"), 1));
    }

    @Test
    void scenarioOneTablesHaveTheCassandraShapes() {
        PipelineConfig config = PipelineLoader.standard().parse(TopologyHarness.resource("scenario1/pipeline.yaml"), "s1.yaml");
        Problems problems = new Problems("s1.yaml");
        Map<String, Map<String, TargetTable>> shapes = new TargetShapes(problems).compute((Mappings) config.mappings(), List.of("cassandra"),
                schemas());
        assertThat(problems.errors()).isEmpty();
        TargetTable users = shapes.get("cassandra").get("users");
        assertThat(users.partitionKey()).containsExactly("user_id");
        assertThat(users.columns()).extracting(c -> c.name() + ":" + c.type().kind()).containsExactly("user_id:INT64", "email:STRING",
                "name:STRING", "created_at:TIMESTAMP", "session_count:INT64", "last_login:TIMESTAMP", "last_device_info:STRING");
        TargetTable byUser = shapes.get("cassandra").get("user_events_by_user");
        assertThat(byUser.partitionKey()).containsExactly("user_id", "event_date");
        assertThat(byUser.clusteringKey()).containsExactly("event_time", "event_id");
        assertThat(byUser.clusteringDescending()).containsExactly(true, false);
        assertThat(byUser.columns()).extracting(c -> c.name() + ":" + c.type().kind()).contains("event_date:DATE", "event_id:UUID",
                "user_email:STRING", "device_info:STRING");
    }

    private static final TableId CUSTOMERS = TableId.parse("shop.customers");
    private static final TableId ADDRESSES = TableId.parse("shop.customer_addresses");
    private static final TableId PREFERENCES = TableId.parse("shop.customer_preferences");
    private static final TableId ORDERS = TableId.parse("shop.orders");
    private static final TableId ITEMS = TableId.parse("shop.order_items");
    private static final TableId PAYMENT_METHODS = TableId.parse("shop.payment_methods");

    /** SCENARIOS.md 2's MariaDB tables as capture describes them (MariaDB's TIMESTAMP is TIMESTAMPTZ, BOOLEAN is TINYINT(1)). */
    private static Map<TableId, TableSchema> scenarioTwoSchemas() {
        ColumnType int64 = ColumnType.of(CanonicalType.INT64);
        ColumnType text = ColumnType.of(CanonicalType.STRING);
        ColumnType ts = ColumnType.of(CanonicalType.TIMESTAMPTZ);
        ColumnType tinyint = ColumnType.of(CanonicalType.INT16);
        return Map.of(
                CUSTOMERS, new TableSchema(CUSTOMERS, List.of(new Column("customer_id", int64, false), new Column("first_name", text, false),
                        new Column("last_name", text, false), new Column("email", text, false), new Column("phone", text, true),
                        new Column("created_at", ts, true), new Column("updated_at", ts, true)), List.of("customer_id"), 1),
                ADDRESSES, new TableSchema(ADDRESSES, List.of(new Column("address_id", int64, false), new Column("customer_id", int64, false),
                        new Column("address_type", ColumnType.enumOf(List.of("billing", "shipping", "both")), true),
                        new Column("street", text, false), new Column("city", text, false), new Column("state", text, false),
                        new Column("zip_code", text, false), new Column("country", text, true), new Column("is_active", tinyint, true)),
                        List.of("address_id"), 1),
                PREFERENCES, new TableSchema(PREFERENCES, List.of(new Column("customer_id", int64, false),
                        new Column("marketing_emails", tinyint, true), new Column("sms_notifications", tinyint, true),
                        new Column("theme", ColumnType.enumOf(List.of("light", "dark", "auto")), true),
                        new Column("preferences_json", ColumnType.of(CanonicalType.JSON), true)), List.of("customer_id"), 1),
                ORDERS, new TableSchema(ORDERS, List.of(new Column("order_id", int64, false), new Column("customer_id", int64, false),
                        new Column("order_date", ts, false), new Column("total_amount", ColumnType.decimal(12, 2), false),
                        new Column("status", ColumnType.enumOf(List.of("pending", "processing", "shipped", "completed", "cancelled")), false),
                        new Column("shipping_method", text, true), new Column("shipping_cost", ColumnType.decimal(8, 2), true),
                        new Column("tracking_number", text, true)), List.of("order_id"), 1),
                ITEMS, new TableSchema(ITEMS, List.of(new Column("item_id", int64, false), new Column("order_id", int64, false),
                        new Column("product_id", text, false), new Column("product_name", text, false),
                        new Column("quantity", ColumnType.of(CanonicalType.INT32), false), new Column("unit_price", ColumnType.decimal(10, 2), false),
                        new Column("category", text, true)), List.of("item_id"), 1),
                PAYMENT_METHODS, new TableSchema(PAYMENT_METHODS, List.of(new Column("method_id", text, false),
                        new Column("customer_id", int64, false),
                        new Column("type", ColumnType.enumOf(List.of("credit_card", "debit_card", "paypal", "bank_account")), false),
                        new Column("last_four", text, true), new Column("expires", text, true), new Column("is_default", tinyint, true)),
                        List.of("method_id"), 1));
    }

    /** A type as text: the kind, decimals with precision and scale, a sub-document as {...}, an array of documents as [...]. */
    private static String shape(ColumnType t) {
        if (t.document() == null) {
            return t.kind() + (t.kind() == CanonicalType.DECIMAL ? "(" + t.precision() + "," + t.scale() + ")" : "");
        }
        String fields = t.document().fields().entrySet().stream().map(f -> f.getKey() + ":" + shape(f.getValue()))
                .collect(Collectors.joining(" "));
        return t.document().array() ? "[" + fields + "]" : "{" + fields + "}";
    }

    private static TargetTable scenarioTwoCustomers(String yaml, Problems problems) {
        PipelineConfig config = PipelineLoader.standard().parse(yaml, "s2.yaml");
        return new TargetShapes(problems).compute((Mappings) config.mappings(), List.of("mongo"), scenarioTwoSchemas())
                .get("mongo").get("customers");
    }

    @Test
    void scenarioTwoDocumentTypesEveryNestedFieldAtEveryDepth() {
        Problems problems = new Problems("s2.yaml");
        TargetTable customers = scenarioTwoCustomers(TopologyHarness.resource("scenario2/pipeline.yaml"), problems);
        assertThat(problems.errors()).isEmpty();
        assertThat(customers.partitionKey()).containsExactly("_id");
        assertThat(customers.columns()).extracting(c -> c.name() + ":" + shape(c.type())).containsExactly(
                "_id:INT64",
                "customer_id:INT64",
                "profile:{first_name:STRING last_name:STRING email:STRING phone:STRING"
                        + " preferences:{marketing_emails:BOOLEAN sms_notifications:BOOLEAN theme:ENUM extra:JSON}}",
                "addresses:[address_id:INT64 type:ENUM street:STRING city:STRING state:STRING zip_code:STRING country:STRING active:BOOLEAN]",
                "orders:[order_id:INT64 order_date:TIMESTAMPTZ total_amount:DECIMAL(12,2) status:ENUM"
                        + " shipping:{method:STRING cost:DECIMAL(8,2) tracking_number:STRING}"
                        + " items:[item_id:INT64 product_id:STRING product_name:STRING quantity:INT32 unit_price:DECIMAL(10,2) category:STRING]]",
                "payment_methods:[method_id:STRING type:ENUM last_four:STRING expires:STRING is_default:BOOLEAN]",
                "created_at:TIMESTAMPTZ",
                "updated_at:TIMESTAMPTZ");
        Column orders = customers.columns().get(4);
        assertThat(orders.type().kind()).isEqualTo(CanonicalType.JSON);
        assertThat(orders.type().sourceType()).isEqualTo("document[]");
        assertThat(orders.nullable()).isFalse();
        ColumnType preferences = customers.columns().get(2).type().document().fields().get("preferences");
        assertThat(preferences.sourceType()).isEqualTo("document");
        assertThat(preferences.document().fields().get("theme").labels()).containsExactly("light", "dark", "auto");
    }

    @Test
    void aNestWithoutColumnsHasTheChildTablesColumnsAsItsFields() {
        String yaml = TopologyHarness.resource("scenario2/pipeline.yaml").replace(
                "          key: [method_id]\n          columns:\n            method_id: method_id\n            type: type\n"
                        + "            last_four: last_four\n            expires: expires\n            is_default: {expr: is_default, cast: boolean}\n",
                "          key: [method_id]\n          drop: [customer_id]\n");
        Problems problems = new Problems("s2.yaml");
        TargetTable customers = scenarioTwoCustomers(yaml, problems);
        assertThat(problems.errors()).isEmpty();
        assertThat(customers.columns()).extracting(c -> c.name() + ":" + shape(c.type()))
                .contains("payment_methods:[method_id:STRING type:ENUM last_four:STRING expires:STRING is_default:INT16]");
    }

    @Test
    void aNestOfATableWithoutSchemaIsLeftOutOfItsParentsFields() {
        Map<TableId, TableSchema> schemas = new HashMap<>(scenarioTwoSchemas());
        schemas.remove(ITEMS);
        Problems problems = new Problems("s2.yaml");
        PipelineConfig config = PipelineLoader.standard().parse(TopologyHarness.resource("scenario2/pipeline.yaml"), "s2.yaml");
        TargetTable customers = new TargetShapes(problems).compute((Mappings) config.mappings(), List.of("mongo"), schemas)
                .get("mongo").get("customers");
        assertThat(problems.errors()).extracting(ConfigError::toString).anySatisfy(e -> assertThat(e).contains("no schema for table"));
        assertThat(customers.columns()).extracting(c -> c.name() + ":" + shape(c.type())).contains(
                "orders:[order_id:INT64 order_date:TIMESTAMPTZ total_amount:DECIMAL(12,2) status:ENUM"
                        + " shipping:{method:STRING cost:DECIMAL(8,2) tracking_number:STRING}]");
    }

    @Test
    void unknownColumnsAndImpossibleCastsAreReportedWithTheirLines() {
        String yaml = TopologyHarness.resource("scenario1/pipeline.yaml")
                .replace("      email: email\n      name: name", "      email: emial\n      name: {expr: name, cast: uuid}")
                .replace("      event_id: event_id\n      event_type", "      event_id: {expr: event_id, cast: boolean}\n      event_type");
        PipelineConfig config = PipelineLoader.standard().parse(yaml, "s1.yaml");
        Problems problems = new Problems("s1.yaml");
        new TargetShapes(problems).compute((Mappings) config.mappings(), List.of("cassandra"), schemas());
        assertThat(problems.errors()).extracting(ConfigError::toString)
                .anySatisfy(e -> assertThat(e).startsWith("s1.yaml:22: mappings[0].columns.email").contains("emial"))
                .anySatisfy(e -> assertThat(e).startsWith("s1.yaml:39: mappings[1].columns.event_id").contains("cannot cast UUID to BOOLEAN"));
    }

    /** A value map or a default may give a string longer than the source's varchar(n): the column made for it was that narrow; now it holds the longest. */
    @Test
    void aStringWithAValueMapOrADefaultIsNotBoundByTheSourcesLength() {
        String yaml = TopologyHarness.resource("scenario1/pipeline.yaml")
                .replace("      email: email\n      name: name", "      email: {expr: email, default: unknown@example.com}\n"
                        + "      name: {expr: name, map: {A: Active}}");
        PipelineConfig config = PipelineLoader.standard().parse(yaml, "s1.yaml");
        Map<TableId, TableSchema> schemas = new HashMap<>(schemas());
        ColumnType one = ColumnType.of(CanonicalType.STRING).withLength(1);
        schemas.put(USERS, new TableSchema(USERS, List.of(new Column("user_id", ColumnType.of(CanonicalType.INT32), false),
                new Column("email", one, true), new Column("name", one, false), new Column("created_at", ColumnType.of(CanonicalType.TIMESTAMP),
                true)), List.of("user_id"), 1));
        Problems problems = new Problems("s1.yaml");
        TargetTable users = new TargetShapes(problems).compute((Mappings) config.mappings(), List.of("cassandra"), schemas)
                .get("cassandra").get("users");
        assertThat(problems.errors()).isEmpty();
        assertThat(users.columns()).filteredOn(c -> c.name().equals("email") || c.name().equals("name"))
                .extracting(c -> c.name() + ":" + c.type().length()).containsExactly("email:19", "name:6");
    }
}
