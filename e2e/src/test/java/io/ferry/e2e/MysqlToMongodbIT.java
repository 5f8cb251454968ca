package io.ferry.e2e;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import io.ferry.devstack.DevService;
import io.ferry.devstack.KafkaService;
import io.ferry.devstack.MongoService;
import io.ferry.devstack.MysqlService;
import io.ferry.devstack.Service;
import io.ferry.devstack.junit.WithServices;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.bson.Document;
import org.bson.types.Decimal128;
import org.junit.jupiter.api.Test;

/**
 * Migration 2, {@code config/mysql-to-mongodb.yaml} (golden scenario 2): six relational tables folded into one MongoDB
 * document per customer, run through a SIGKILL of the service and restarts of MongoDB and Kafka in CI. The writer
 * renames customers (their embedded profile follows), changes, re-keys and moves child rows between parents (an order
 * leaves one document for another, an item one order for another), and deletes orders and customers whose children
 * MySQL deletes by {@code ON DELETE CASCADE} without logging them. The independent check builds every expected
 * document from the source with plain JDBC, BSON types included (Decimal128, millisecond dates, int32 against
 * int64, booleans from TINYINT(1), {@code extra} parsed from JSON), and reads MongoDB with the plain driver.
 * The column added to customers at the source does not reach the documents: the mapping lists its columns.
 */
@WithServices({Service.MYSQL, Service.MONGODB, Service.KAFKA})
class MysqlToMongodbIT implements Migration {

    private static final String TARGET_DATABASE = "e2e_shop";
    /** Arrays of keyed elements carry no order (MongoSink pulls and pushes an element): compared as sets. */
    private static final Set<String> KEYED_ARRAYS = Set.of("addresses", "orders", "orders.items", "payment_methods");

    private final MysqlService mysql;
    private final MongoService mongo;
    private final KafkaService kafka;
    private final ShopSource source;

    MysqlToMongodbIT(MysqlService mysql, MongoService mongo, KafkaService kafka) {
        this.mysql = mysql;
        this.mongo = mongo;
        this.kafka = kafka;
        this.source = new ShopSource(mysql);
    }

    @Test
    void foldsCustomersIntoDocumentsUnderLoadThroughCrashesAndReachesReady() throws Exception {
        new MigrationRun(this, kafka, true).run();
    }

    @Override
    public String example() {
        return "mysql-to-mongodb";
    }

    @Override
    public void prepare(int scale) throws Exception {
        source.create(scale);
        try (MongoClient client = MongoClients.create(mongo.connectionString())) {
            client.getDatabase(TARGET_DATABASE).drop();
        }
    }

    @Override
    public void configure(PipelineFile file) {
        // locally MariaDB stands in for MySQL, and Ferry reads it with the MariaDB connector
        file.set("source.type", mysql.flavor() == MysqlService.Flavor.MARIADB ? "mariadb" : "mysql").set("source.host", mysql.host())
                .set("source.port", mysql.port()).set("source.user", mysql.user()).set("source.password", mysql.password());
        file.sink("mongodb").putAll(Map.of("uri", mongo.connectionString(), "database", TARGET_DATABASE));
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
        return List.of(mongo);
    }

    @Override
    public Map<String, List<String>> expected() throws Exception {
        try (Connection c = source.connect()) {
            Map<Long, Document> customers = new LinkedHashMap<>();
            query(c, "SELECT customer_id, first_name, last_name, email, phone, UNIX_TIMESTAMP(created_at), UNIX_TIMESTAMP(updated_at)"
                    + " FROM customers", r -> {
                        long id = r.getLong(1);
                        Document profile = new Document("first_name", r.getString(2)).append("last_name", r.getString(3))
                                .append("email", r.getString(4)).append("phone", r.getString(5)).append("preferences", null);
                        customers.put(id, new Document("_id", id).append("customer_id", id).append("profile", profile)
                                .append("addresses", new ArrayList<>()).append("orders", new ArrayList<>())
                                .append("payment_methods", new ArrayList<>()).append("created_at", seconds(r, 6))
                                .append("updated_at", seconds(r, 7)));
                    });
            query(c, "SELECT customer_id, marketing_emails, sms_notifications, theme, preferences_json FROM customer_preferences", r -> {
                String json = r.getString(5);
                ((Document) customers.get(r.getLong(1)).get("profile")).put("preferences", new Document("marketing_emails", flag(r, 2))
                        .append("sms_notifications", flag(r, 3)).append("theme", r.getString(4))
                        // BSON's own JSON reader: integers as int32 or int64, fractions as doubles, as docs/types.md says
                        .append("extra", json == null ? new Document() : Document.parse(json)));
            });
            query(c, "SELECT customer_id, address_id, address_type, street, city, state, zip_code, country, is_active"
                    + " FROM customer_addresses", r -> children(customers, r.getLong(1), "addresses").add(new Document("address_id", r.getLong(2))
                            .append("type", r.getString(3)).append("street", r.getString(4)).append("city", r.getString(5))
                            .append("state", r.getString(6)).append("zip_code", r.getString(7)).append("country", r.getString(8))
                            .append("active", flag(r, 9))));
            Map<Long, Document> orders = new LinkedHashMap<>();
            query(c, "SELECT customer_id, order_id, UNIX_TIMESTAMP(order_date), total_amount, status, shipping_method, shipping_cost,"
                    + " tracking_number FROM orders", r -> {
                        Document order = new Document("order_id", r.getLong(2)).append("order_date", seconds(r, 3))
                                .append("total_amount", decimal(r.getBigDecimal(4))).append("status", r.getString(5))
                                .append("shipping", new Document("method", r.getString(6)).append("cost", decimal(r.getBigDecimal(7)))
                                        .append("tracking_number", r.getString(8)))
                                .append("items", new ArrayList<>());
                        orders.put(r.getLong(2), order);
                        children(customers, r.getLong(1), "orders").add(order);
                    });
            query(c, "SELECT order_id, item_id, product_id, product_name, quantity, unit_price, category FROM order_items",
                    r -> children(orders, r.getLong(1), "items").add(new Document("item_id", r.getLong(2)).append("product_id", r.getString(3))
                            .append("product_name", r.getString(4)).append("quantity", r.getInt(5))
                            .append("unit_price", decimal(r.getBigDecimal(6))).append("category", r.getString(7))));
            query(c, "SELECT customer_id, method_id, type, last_four, expires, is_default FROM payment_methods",
                    r -> children(customers, r.getLong(1), "payment_methods").add(new Document("method_id", r.getString(2))
                            .append("type", r.getString(3)).append("last_four", r.getString(4)).append("expires", r.getString(5))
                            .append("is_default", flag(r, 6))));
            return Map.of("customers", render(customers.values()));
        }
    }

    @Override
    public Map<String, List<String>> actual() {
        try (MongoClient client = MongoClients.create(mongo.connectionString())) {
            MongoCollection<Document> collection = client.getDatabase(TARGET_DATABASE).getCollection("customers");
            return Map.of("customers", render(collection.find().into(new ArrayList<>())));
        }
    }

    private interface RowConsumer {
        void accept(ResultSet r) throws SQLException;
    }

    private static void query(Connection c, String sql, RowConsumer each) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            while (r.next()) {
                each.accept(r);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Document> children(Map<Long, Document> parents, long parent, String field) {
        Document p = parents.get(parent);
        if (p == null) {
            throw new AssertionError("the source has a " + field + " row without its parent " + parent);
        }
        return (List<Document>) p.get(field);
    }

    /** TINYINT(1) as the mapping's cast makes it: any non-zero value is true. */
    private static Boolean flag(ResultSet r, int i) throws SQLException {
        int v = r.getInt(i);
        return r.wasNull() ? null : v != 0;
    }

    /** A TIMESTAMP (whole seconds in this schema) as the BSON date it becomes. */
    private static Date seconds(ResultSet r, int i) throws SQLException {
        long s = r.getLong(i);
        return r.wasNull() ? null : new Date(s * 1000);
    }

    private static Decimal128 decimal(BigDecimal d) {
        return d == null ? null : new Decimal128(d);
    }

    /** One line per document, with every value's BSON type; fields sorted, keyed arrays as sets. */
    private static List<String> render(Iterable<Document> documents) {
        List<String> out = new ArrayList<>();
        for (Document d : documents) {
            out.add(render(d, ""));
        }
        out.sort(null);
        return out;
    }

    private static String render(Object v, String path) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Document d) {
            StringBuilder s = new StringBuilder("{");
            d.keySet().stream().sorted().forEach(k -> s.append(s.length() == 1 ? "" : ", ").append(k).append(": ")
                    .append(render(d.get(k), path.isEmpty() ? k : path + "." + k)));
            return s.append('}').toString();
        }
        if (v instanceof List<?> l) {
            List<String> elements = new ArrayList<>();
            l.forEach(e -> elements.add(render(e, path)));
            if (KEYED_ARRAYS.contains(path)) {
                elements.sort(null);
            }
            return "[" + String.join(", ", elements) + "]";
        }
        if (v instanceof String s) {
            return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
        }
        if (v instanceof Date d) {
            return "date(" + d.toInstant() + ")";
        }
        if (v instanceof Integer || v instanceof Long || v instanceof Double || v instanceof Decimal128 || v instanceof Boolean) {
            return v.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT) + "(" + v + ")";
        }
        return v.getClass().getName() + "(" + v + ")";
    }
}
