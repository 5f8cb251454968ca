package io.ferry.e2e;

import io.ferry.devstack.MysqlService;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Golden scenario 2's MySQL/MariaDB source (SCENARIOS.md 2: customers, addresses, preferences, orders, items, payment
 * methods, every child {@code ON DELETE CASCADE}) for the migrations that read it: its exact schema, a seeded data set
 * with NULLs, unicode, large JSON and text, and the writer's random transactions — new customers with children,
 * parent and child updates, key changes, orders and items moved between parents, and deletes that MySQL cascades
 * without logging the children's deletes; and, once, a {@code TRUNCATE} of the preferences ({@link #truncate}).
 */
final class ShopSource {

    static final String DATABASE = "shop";

    static final List<String> DDL = List.of(
            "CREATE TABLE customers (customer_id BIGINT PRIMARY KEY, first_name VARCHAR(100) NOT NULL,"
                    + " last_name VARCHAR(100) NOT NULL, email VARCHAR(255) UNIQUE NOT NULL, phone VARCHAR(20),"
                    + " created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,"
                    + " updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP) ENGINE=InnoDB",
            "CREATE TABLE customer_addresses (address_id BIGINT AUTO_INCREMENT PRIMARY KEY,"
                    + " customer_id BIGINT NOT NULL, address_type ENUM('billing','shipping','both') DEFAULT 'both',"
                    + " street VARCHAR(255) NOT NULL, city VARCHAR(100) NOT NULL, state VARCHAR(50) NOT NULL,"
                    + " zip_code VARCHAR(10) NOT NULL, country VARCHAR(50) DEFAULT 'US', is_active BOOLEAN DEFAULT TRUE,"
                    + " FOREIGN KEY (customer_id) REFERENCES customers(customer_id) ON DELETE CASCADE) ENGINE=InnoDB",
            "CREATE TABLE customer_preferences (customer_id BIGINT PRIMARY KEY, marketing_emails BOOLEAN DEFAULT FALSE,"
                    + " sms_notifications BOOLEAN DEFAULT FALSE, theme ENUM('light','dark','auto') DEFAULT 'light',"
                    + " preferences_json JSON, FOREIGN KEY (customer_id) REFERENCES customers(customer_id) ON DELETE CASCADE)",
            "CREATE TABLE orders (order_id BIGINT PRIMARY KEY, customer_id BIGINT NOT NULL, order_date TIMESTAMP NOT NULL,"
                    + " total_amount DECIMAL(12,2) NOT NULL,"
                    + " status ENUM('pending','processing','shipped','completed','cancelled') NOT NULL,"
                    + " shipping_method VARCHAR(50), shipping_cost DECIMAL(8,2), tracking_number VARCHAR(100),"
                    + " FOREIGN KEY (customer_id) REFERENCES customers(customer_id) ON DELETE CASCADE)",
            "CREATE TABLE order_items (item_id BIGINT AUTO_INCREMENT PRIMARY KEY, order_id BIGINT NOT NULL,"
                    + " product_id VARCHAR(50) NOT NULL, product_name VARCHAR(255) NOT NULL, quantity INT NOT NULL,"
                    + " unit_price DECIMAL(10,2) NOT NULL, category VARCHAR(100),"
                    + " FOREIGN KEY (order_id) REFERENCES orders(order_id) ON DELETE CASCADE)",
            "CREATE TABLE payment_methods (method_id VARCHAR(50) PRIMARY KEY, customer_id BIGINT NOT NULL,"
                    + " type ENUM('credit_card','debit_card','paypal','bank_account') NOT NULL, last_four CHAR(4),"
                    + " expires VARCHAR(5), is_default BOOLEAN DEFAULT FALSE,"
                    + " FOREIGN KEY (customer_id) REFERENCES customers(customer_id) ON DELETE CASCADE)");

    /** The column {@link #addColumn} adds to customers while the pipeline runs. */
    static final String ADDED_COLUMN = "loyalty_tier";

    private static final String[] FIRST = {"Alice", "Bob", "Zoë", "José", "Håkon", "Łucja", "美咲", "Ærwyn", "O'Brien", "Renée"};
    private static final String[] LAST = {"Johnson", "Smith", "Müller", "Ñúñez", "Ødegård", "山田", "Dvořák", "D'Arcy", "Nguyễn", "Öztürk"};
    private static final String[] CITIES = {"San Francisco", "München", "São Paulo", "Zürich", "Kraków", "東京", "Reykjavík", "Montréal"};
    private static final String[] CATEGORIES = {"Electronics", "Books", "Garden", "Küche & Haushalt", "玩具"};
    private static final String[] STATUSES = {"pending", "processing", "shipped", "completed", "cancelled"};
    private static final String[] THEMES = {"light", "dark", "auto"};
    private static final String[] ADDRESS_TYPES = {"billing", "shipping", "both"};
    private static final String[] PAYMENT_TYPES = {"credit_card", "debit_card", "paypal", "bank_account"};
    private static final String[] METHODS = {"express", "standard", "pickup"};

    private final MysqlService db;
    private final AtomicLong nextCustomer = new AtomicLong();
    private final AtomicLong nextOrder = new AtomicLong();
    /** Counts down: address keys changed by the writer are negative, so they never meet AUTO_INCREMENT's. */
    private final AtomicLong nextAddress = new AtomicLong();
    private final AtomicLong nextMethod = new AtomicLong();
    private final AtomicLong nextEmail = new AtomicLong(1_000_000);
    private volatile boolean columnAdded;

    ShopSource(MysqlService db) {
        this.db = db;
    }

    MysqlService server() {
        return db;
    }

    /**
     * A session as the application's: UTC, and strict but without NO_ZERO_DATE, the sql_mode of legacy applications
     * that still write zero dates (MySQL 8's default refuses them; MariaDB's allows them).
     */
    Connection connect() throws SQLException {
        Connection c = db.connect(DATABASE);
        try (Statement s = c.createStatement()) {
            s.execute("SET SESSION time_zone = '+00:00'");
            s.execute("SET SESSION sql_mode = 'STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'");
        }
        return c;
    }

    boolean columnAdded() {
        return columnAdded;
    }

    /** Drops the database, creates the schema and seeds {@code 1000 × scale} customers with their children. */
    void create(int scale) throws SQLException {
        columnAdded = false;
        try (Connection c = db.connect(""); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + DATABASE);
            s.execute("CREATE DATABASE " + DATABASE + " CHARACTER SET utf8mb4");
        }
        Random r = new Random(2);
        int customers = 1000 * scale;
        try (Connection c = connect()) {
            try (Statement s = c.createStatement()) {
                for (String ddl : DDL) {
                    s.execute(ddl);
                }
            }
            c.setAutoCommit(false);
            try (PreparedStatement cu = c.prepareStatement(INSERT_CUSTOMER + ", ?)");
                    PreparedStatement pr = c.prepareStatement(INSERT_PREFERENCES);
                    PreparedStatement ad = c.prepareStatement(INSERT_ADDRESS);
                    PreparedStatement or = c.prepareStatement(INSERT_ORDER);
                    PreparedStatement it = c.prepareStatement(INSERT_ITEM);
                    PreparedStatement pm = c.prepareStatement(INSERT_METHOD)) {
                for (long id = 1; id <= customers; id++) {
                    customerValues(cu, id, "c" + id + "@example.com", r);
                    cu.setTimestamp(7, Timestamp.valueOf(LocalDateTime.of(2023, 1, 1, 0, 0).plusSeconds(id * 3607)));
                    cu.addBatch();
                    if (id % 7 != 0) { // most customers have preferences
                        preferencesValues(pr, id, r, id % 97 == 0);
                        pr.addBatch();
                    }
                    for (int a = (int) (id % 4); a > 0; a--) {
                        addressValues(ad, id, r);
                        ad.addBatch();
                    }
                    for (int o = (int) (id % 6); o > 0; o--) {
                        long order = nextOrder.incrementAndGet();
                        orderValues(or, order, id, r);
                        or.addBatch();
                        for (int i = 1 + (int) (order % 4); i > 0; i--) {
                            itemValues(it, order, r);
                            it.addBatch();
                        }
                    }
                    for (int p = (int) (id % 3); p > 0; p--) {
                        methodValues(pm, id, r, p == 1);
                        pm.addBatch();
                    }
                    if (id % 200 == 0 || id == customers) {
                        for (PreparedStatement p : List.of(cu, pr, ad, or, it, pm)) {
                            p.executeBatch();
                        }
                        c.commit();
                    }
                }
            }
            nextCustomer.set(customers);
        }
    }

    private static final String INSERT_CUSTOMER =
            "INSERT INTO customers (customer_id, first_name, last_name, email, phone, updated_at, created_at) VALUES (?, ?, ?, ?, ?, ?";
    private static final String INSERT_PREFERENCES = "INSERT INTO customer_preferences (customer_id, marketing_emails, sms_notifications,"
            + " theme, preferences_json) VALUES (?, ?, ?, ?, ?)";
    private static final String INSERT_ADDRESS = "INSERT INTO customer_addresses (customer_id, address_type, street, city, state, zip_code,"
            + " country, is_active) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_ORDER = "INSERT INTO orders (order_id, customer_id, order_date, total_amount, status,"
            + " shipping_method, shipping_cost, tracking_number) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_ITEM = "INSERT INTO order_items (order_id, product_id, product_name, quantity, unit_price, category)"
            + " VALUES (?, ?, ?, ?, ?, ?)";
    private static final String INSERT_METHOD = "INSERT INTO payment_methods (method_id, customer_id, type, last_four, expires, is_default)"
            + " VALUES (?, ?, ?, ?, ?, ?)";

    private static void customerValues(PreparedStatement p, long id, String email, Random r) throws SQLException {
        p.setLong(1, id);
        p.setString(2, FIRST[r.nextInt(FIRST.length)] + (id % 11 == 0 ? " 🚀" : ""));
        p.setString(3, LAST[r.nextInt(LAST.length)]);
        p.setString(4, email);
        p.setString(5, r.nextInt(5) == 0 ? null : "+1-555-" + (1000 + r.nextInt(9000)));
        p.setTimestamp(6, Timestamp.valueOf(LocalDateTime.of(2024, 6, 1, 12, 0).plusSeconds(r.nextInt(10_000_000))));
    }

    private static void preferencesValues(PreparedStatement p, long customer, Random r, boolean large) throws SQLException {
        p.setLong(1, customer);
        // TINYINT(1) holds more than 0 and 1; a cast to boolean makes any non-zero value true
        p.setObject(2, r.nextInt(10) == 0 ? null : r.nextInt(10) == 0 ? 2 : r.nextInt(2));
        p.setObject(3, r.nextInt(2));
        p.setString(4, r.nextInt(10) == 0 ? null : THEMES[r.nextInt(THEMES.length)]);
        p.setString(5, json(r, large));
    }

    /** JSON text as applications write it: NULL, empty, nested, unicode, numbers of every kind, now and then large. */
    private static String json(Random r, boolean large) {
        return switch (large ? 9 : r.nextInt(8)) {
            case 0 -> null;
            case 1 -> "{}";
            case 2 -> "{\"language\": \"de-CH\", \"newsletter\": {\"weekly\": true, \"topics\": [\"garden\", \"küche\", null]}}";
            case 3 -> "{\"score\": " + r.nextInt(1_000_000) + ", \"ratio\": 0.25, \"big\": 9007199254740993, \"neg\": -42,"
                    + " \"note\": \"Grüße 世界 \\\"quoted\\\" \\\\ back\"}";
            case 4 -> "{\"tags\": [1, 2.5, \"x\", false, {\"deep\": {\"er\": []}}], \"empty\": {}}";
            case 9 -> "{\"history\": [" + String.join(", ", java.util.Collections.nCopies(2000, "{\"seen\": \"produkt ✓\", \"n\": "
                    + r.nextInt(100) + "}")) + "]}";
            default -> "{\"theme_override\": \"" + THEMES[r.nextInt(3)] + "\", \"n\": " + r.nextInt(100) + "}";
        };
    }

    private static void addressValues(PreparedStatement p, long customer, Random r) throws SQLException {
        p.setLong(1, customer);
        p.setString(2, r.nextInt(8) == 0 ? null : ADDRESS_TYPES[r.nextInt(ADDRESS_TYPES.length)]);
        p.setString(3, (1 + r.nextInt(9999)) + " Straße der Einheit " + r.nextInt(100));
        p.setString(4, CITIES[r.nextInt(CITIES.length)]);
        p.setString(5, "S" + r.nextInt(50));
        p.setString(6, String.format("%05d", r.nextInt(100_000)));
        p.setString(7, r.nextInt(6) == 0 ? null : r.nextBoolean() ? "US" : "DE");
        p.setObject(8, r.nextInt(9) == 0 ? null : r.nextInt(4) == 0 ? 0 : 1);
    }

    private static void orderValues(PreparedStatement p, long order, long customer, Random r) throws SQLException {
        p.setLong(1, order);
        p.setLong(2, customer);
        p.setTimestamp(3, Timestamp.valueOf(LocalDateTime.of(2024, 1, 1, 0, 0).plusSeconds(r.nextInt(30_000_000))));
        p.setBigDecimal(4, java.math.BigDecimal.valueOf(r.nextInt(10_000_000), 2));
        p.setString(5, STATUSES[r.nextInt(STATUSES.length)]);
        boolean shipped = r.nextInt(5) != 0;
        p.setString(6, shipped ? METHODS[r.nextInt(METHODS.length)] : null);
        p.setBigDecimal(7, shipped ? java.math.BigDecimal.valueOf(r.nextInt(5000), 2) : null);
        p.setString(8, shipped && r.nextBoolean() ? "TRACK" + r.nextInt(1_000_000) : null);
    }

    private static void itemValues(PreparedStatement p, long order, Random r) throws SQLException {
        p.setLong(1, order);
        p.setString(2, "PROD" + r.nextInt(1000));
        p.setString(3, r.nextInt(50) == 0 ? "Ausführliche Beschreibung ✓ ".repeat(9) : "Product " + r.nextInt(1000) + " — ünïcødé");
        p.setInt(4, 1 + r.nextInt(5));
        p.setBigDecimal(5, java.math.BigDecimal.valueOf(1 + r.nextInt(1_000_000), 2));
        p.setString(6, r.nextInt(7) == 0 ? null : CATEGORIES[r.nextInt(CATEGORIES.length)]);
    }

    private void methodValues(PreparedStatement p, long customer, Random r, boolean isDefault) throws SQLException {
        p.setString(1, "pm_" + nextMethod.incrementAndGet());
        p.setLong(2, customer);
        p.setString(3, PAYMENT_TYPES[r.nextInt(PAYMENT_TYPES.length)]);
        p.setString(4, r.nextInt(6) == 0 ? null : String.format("%04d", r.nextInt(10_000)));
        p.setString(5, String.format("%02d/%02d", 1 + r.nextInt(12), 25 + r.nextInt(10)));
        p.setObject(6, isDefault ? 1 : 0);
    }

    /** One random transaction of one to three changes. */
    /** Empties the 1:1 child table (its own commit on MySQL/MariaDB): every document's preferences must follow. */
    void truncate(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("TRUNCATE TABLE customer_preferences");
        }
    }

    void transaction(Connection c, Random r) throws SQLException {
        int ops = 1 + r.nextInt(3);
        for (int i = 0; i < ops; i++) {
            change(c, r);
        }
    }

    private void change(Connection c, Random r) throws SQLException {
        Long customer = pick(c, "customers", "customer_id", nextCustomer.get(), r);
        if (customer == null) {
            return;
        }
        switch (r.nextInt(20)) {
            case 0, 1 -> insertCustomer(c, r);
            // parent values that every embedded copy must follow
            case 2 -> update(c, "UPDATE customers SET first_name = ?, last_name = ?" + (columnAdded ? ", " + ADDED_COLUMN + " = ?" : "")
                    + " WHERE customer_id = ?", withAdded(r, "Renamed " + r.nextInt(1000) + " ñ", LAST[r.nextInt(LAST.length)], customer));
            case 3 -> update(c, "UPDATE customers SET email = ?, phone = ? WHERE customer_id = ?", "m" + nextEmail.incrementAndGet()
                    + "@example.org", r.nextBoolean() ? null : "+49-30-" + r.nextInt(1_000_000), customer);
            // the 1:1 child: changed, created, removed
            case 4 -> {
                try (PreparedStatement p = c.prepareStatement(INSERT_PREFERENCES + " ON DUPLICATE KEY UPDATE marketing_emails ="
                        + " VALUES(marketing_emails), sms_notifications = VALUES(sms_notifications), theme = VALUES(theme),"
                        + " preferences_json = VALUES(preferences_json)")) {
                    preferencesValues(p, customer, r, false);
                    p.executeUpdate();
                }
            }
            case 5 -> update(c, "DELETE FROM customer_preferences WHERE customer_id = ?", customer);
            // addresses: new, changed, key changed within the parent, moved to another customer, deleted
            case 6 -> {
                try (PreparedStatement p = c.prepareStatement(INSERT_ADDRESS)) {
                    addressValues(p, customer, r);
                    p.executeUpdate();
                }
            }
            case 7 -> update(c, "UPDATE customer_addresses SET city = ?, is_active = ?, address_type = ? WHERE customer_id = ?"
                    + " ORDER BY address_id LIMIT 1", CITIES[r.nextInt(CITIES.length)], r.nextInt(3) == 0 ? null : r.nextInt(2),
                    ADDRESS_TYPES[r.nextInt(3)], customer);
            case 8 -> update(c, "UPDATE customer_addresses SET address_id = ? WHERE customer_id = ? ORDER BY address_id LIMIT 1",
                    -nextAddress.incrementAndGet(), customer);
            case 9 -> update(c, "DELETE FROM customer_addresses WHERE customer_id = ? ORDER BY address_id DESC LIMIT 1", customer);
            // orders: new with items, changed, moved to another customer, deleted (its items cascade, unlogged)
            case 10 -> insertOrder(c, customer, r);
            case 11 -> update(c, "UPDATE orders SET status = ?, shipping_method = ?, shipping_cost = ?, tracking_number = ?,"
                    + " total_amount = total_amount + 1.05 WHERE customer_id = ? ORDER BY order_id LIMIT 1", STATUSES[r.nextInt(5)],
                    METHODS[r.nextInt(3)], java.math.BigDecimal.valueOf(r.nextInt(5000), 2), r.nextBoolean() ? null : "TRK-" + r.nextInt(99),
                    customer);
            case 12 -> {
                Long other = pick(c, "customers", "customer_id", nextCustomer.get(), r);
                update(c, "UPDATE orders SET customer_id = ? WHERE customer_id = ? ORDER BY order_id LIMIT 1", other, customer);
            }
            case 13 -> update(c, "DELETE FROM orders WHERE customer_id = ? ORDER BY order_id DESC LIMIT 1", customer);
            // items: changed, added, moved to another order (perhaps another customer's), deleted
            case 14 -> {
                Long order = pick(c, "orders", "order_id", nextOrder.get(), r);
                if (order != null) {
                    update(c, "UPDATE order_items SET quantity = quantity + 1, unit_price = ? WHERE order_id = ? ORDER BY item_id LIMIT 1",
                            java.math.BigDecimal.valueOf(r.nextInt(100_000), 2), order);
                    try (PreparedStatement p = c.prepareStatement(INSERT_ITEM)) {
                        itemValues(p, order, r);
                        p.executeUpdate();
                    }
                }
            }
            case 15 -> {
                Long from = pick(c, "orders", "order_id", nextOrder.get(), r);
                Long to = pick(c, "orders", "order_id", nextOrder.get(), r);
                if (from != null) {
                    update(c, "UPDATE order_items SET order_id = ? WHERE order_id = ? ORDER BY item_id LIMIT 1", to, from);
                }
            }
            case 16 -> update(c, "DELETE FROM order_items WHERE order_id IN (SELECT order_id FROM orders WHERE customer_id = ?)"
                    + " ORDER BY item_id LIMIT 1", customer);
            // payment methods: the string key changed, moved, deleted
            case 17 -> update(c, "UPDATE payment_methods SET method_id = ?, is_default = 1 - is_default WHERE customer_id = ?"
                    + " ORDER BY method_id LIMIT 1", "pm_" + nextMethod.incrementAndGet() + "_renamed", customer);
            case 18 -> {
                if (r.nextBoolean()) {
                    try (PreparedStatement p = c.prepareStatement(INSERT_METHOD)) {
                        methodValues(p, customer, r, false);
                        p.executeUpdate();
                    }
                } else {
                    update(c, "DELETE FROM payment_methods WHERE customer_id = ? ORDER BY method_id LIMIT 1", customer);
                }
            }
            // the whole customer: MySQL deletes preferences, addresses, orders, their items and payment methods without logging it
            default -> update(c, "DELETE FROM customers WHERE customer_id = ?", customer);
        }
    }

    private Object[] withAdded(Random r, String first, String last, long customer) {
        return columnAdded ? new Object[] {first, last, r.nextInt(4) == 0 ? null : "tier " + r.nextInt(5), customer}
                : new Object[] {first, last, customer};
    }

    private void insertCustomer(Connection c, Random r) throws SQLException {
        long id = nextCustomer.incrementAndGet();
        try (PreparedStatement p = c.prepareStatement(INSERT_CUSTOMER + ", CURRENT_TIMESTAMP)")) {
            customerValues(p, id, "n" + nextEmail.incrementAndGet() + "@example.com", r);
            p.executeUpdate();
        }
        if (r.nextInt(4) != 0) {
            try (PreparedStatement p = c.prepareStatement(INSERT_PREFERENCES)) {
                preferencesValues(p, id, r, false);
                p.executeUpdate();
            }
        }
        try (PreparedStatement p = c.prepareStatement(INSERT_ADDRESS)) {
            addressValues(p, id, r);
            p.executeUpdate();
        }
        for (int o = r.nextInt(3); o > 0; o--) {
            insertOrder(c, id, r);
        }
        if (r.nextBoolean()) {
            try (PreparedStatement p = c.prepareStatement(INSERT_METHOD)) {
                methodValues(p, id, r, true);
                p.executeUpdate();
            }
        }
    }

    private void insertOrder(Connection c, long customer, Random r) throws SQLException {
        long order = nextOrder.incrementAndGet();
        try (PreparedStatement p = c.prepareStatement(INSERT_ORDER)) {
            orderValues(p, order, customer, r);
            p.executeUpdate();
        }
        for (int i = 1 + r.nextInt(3); i > 0; i--) {
            try (PreparedStatement p = c.prepareStatement(INSERT_ITEM)) {
                itemValues(p, order, r);
                p.executeUpdate();
            }
        }
    }

    /** An existing key at or after a random point in 1..max, or the first one; null when the table is empty. */
    static Long pick(Connection c, String table, String key, long max, Random r) throws SQLException {
        long from = 1 + (long) (r.nextDouble() * Math.max(1, max));
        for (String sql : List.of("SELECT " + key + " FROM " + table + " WHERE " + key + " >= ? ORDER BY " + key + " LIMIT 1",
                "SELECT " + key + " FROM " + table + " WHERE " + key + " < ? ORDER BY " + key + " DESC LIMIT 1")) {
            try (PreparedStatement p = c.prepareStatement(sql)) {
                p.setLong(1, from);
                try (ResultSet rs = p.executeQuery()) {
                    if (rs.next()) {
                        return rs.getLong(1);
                    }
                }
            }
        }
        return null;
    }

    /** The schema change: customers gains {@value #ADDED_COLUMN}, which later renames fill. */
    void addColumn(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("ALTER TABLE customers ADD COLUMN " + ADDED_COLUMN + " VARCHAR(20)");
        }
        columnAdded = true;
    }

    static void update(Connection c, String sql, Object... args) throws SQLException {
        UsersSource.update(c, sql, args);
    }
}
