package io.ferry.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ferry.core.event.ChangeEvent;
import io.ferry.core.event.TableId;
import io.ferry.core.topic.TopicNames;
import io.ferry.devstack.KafkaService;
import io.ferry.devstack.MysqlService;
import io.ferry.devstack.Service;
import io.ferry.devstack.junit.WithServices;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

@WithServices({Service.MARIADB, Service.KAFKA})
class MariaDbCaptureIT {

    @Test
    void snapshotThenBinlogStreamingWithGtidsAndCascadesReported(MysqlService db, KafkaService kafka) throws Exception {
        db.createDatabase("shop_basic");
        try (Connection c = db.connect("shop_basic"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE customers (customer_id BIGINT PRIMARY KEY, email VARCHAR(255) NOT NULL)");
            s.execute("CREATE TABLE orders (order_id BIGINT PRIMARY KEY, customer_id BIGINT NOT NULL, total DECIMAL(12,2) NOT NULL, "
                    + "FOREIGN KEY (customer_id) REFERENCES customers(customer_id) ON DELETE CASCADE ON UPDATE CASCADE)");
            s.execute("INSERT INTO customers VALUES (1, 'a@x.io'), (2, 'b@x.io')");
            s.execute("INSERT INTO orders VALUES (10, 1, 12.50), (11, 2, 7.00)");
        }
        CaptureSettings settings = TestSources.mariadb("maria-basic", db, "shop_basic", kafka, 6101, "shop_basic\\.(customers|orders)");
        TopicNames names = new TopicNames("maria-basic");
        try (Capture capture = Capture.start(settings, null);
                TopicReader orders = new TopicReader(kafka.bootstrapServers(), names.change(TableId.parse("shop_basic.orders")))) {
            orders.until(r -> orders.rows().size() >= 2);
            assertThat(orders.rows()).extracting(e -> e.after().get("total").asText()).containsExactlyInAnyOrder("12.50", "7.00");

            try (Connection c = db.connect("shop_basic"); Statement s = c.createStatement()) {
                c.setAutoCommit(false);
                s.execute("INSERT INTO orders VALUES (12, 1, 99.99)");
                s.execute("UPDATE orders SET total = 13.75 WHERE order_id = 10");
                c.commit();
                // The cascade deletes orders 11 in MariaDB, but the binlog carries only the customer's delete.
                s.execute("DELETE FROM customers WHERE customer_id = 2");
                c.commit();
                s.execute("DELETE FROM orders WHERE order_id = 12");
                c.commit();
            }
            orders.until(r -> orders.rows().stream().anyMatch(e -> e.op() == ChangeEvent.Op.DELETE));
            var streamed = orders.rows().stream().filter(e -> e.op() != ChangeEvent.Op.READ).toList();
            assertThat(streamed).extracting(e -> e.op() + " " + e.key().get("order_id").asLong())
                    .containsExactly("create 12", "update 10", "delete 12");
            TestSources.assertLastEventSummaryReplaced(capture, "maria-basic", false);
            assertThat(streamed.get(1).after().get("total").asText()).isEqualTo("13.75");
            // the snapshot's rows are bounded by one run's start and end, the streamed ones come after its end
            for (int p = 0; p < 3; p++) {
                int partition = p;
                List<String> sequence = orders.until(r -> true).stream().filter(x -> x.partition() == partition)
                        .map(x -> x.event() instanceof ChangeEvent.MarkerEvent m
                                ? m.marker().kind().wireName() : ((ChangeEvent.RowChange) x.event()).op().code())
                        .filter(k -> !k.equals("heartbeat")).toList();
                assertThat(String.join(" ", sequence)).as("partition %d", p).matches("snapshot_start( r)* snapshot_end( [cud])*");
            }
            assertThat(orders.until(r -> true).stream().filter(x -> x.event() instanceof ChangeEvent.MarkerEvent m
                    && m.marker().kind().snapshotBound()).map(x -> ((ChangeEvent.MarkerEvent) x.event()).marker().id()).distinct())
                    .hasSize(1);
            assertThat(streamed).allSatisfy(e -> {
                assertThat(e.source().pos()).matches("mariadb-bin\\.\\d+:\\d+:\\d+:\\d+");
                assertThat(e.source().txId()).matches("\\d+-\\d+-\\d+");
            });
            // one transaction: same GTID, increasing order
            assertThat(streamed.get(0).source().txId()).isEqualTo(streamed.get(1).source().txId());
            assertThat(streamed.get(0).source().txSeq()).isEqualTo(0);
            assertThat(streamed.get(1).source().txSeq()).isEqualTo(1);
            assertThat(streamed.get(0).source().order()).isLessThan(streamed.get(1).source().order());
            assertThat(streamed.get(1).source().order()).isLessThan(streamed.get(2).source().order());

            // The schema topic tells transform that orders cascade from customers.
            var schemas = schemas(kafka, names.schemas());
            assertThat(schemas).anySatisfy(s -> {
                assertThat(s.table()).isEqualTo(TableId.parse("shop_basic.orders"));
                assertThat(s.foreignKeys()).singleElement().satisfies(fk -> {
                    assertThat(fk.parent()).isEqualTo(TableId.parse("shop_basic.customers"));
                    assertThat(fk.onDelete()).isEqualTo("CASCADE");
                    assertThat(fk.columns()).containsExactly("customer_id");
                });
            });
            assertThat(capture.preflight().notes()).anySatisfy(n -> assertThat(n).contains("ON DELETE CASCADE"));
            assertThat(capture.preflight().notes()).anySatisfy(n -> assertThat(n)
                    .contains("shop_basic.orders references shop_basic.customers with ON UPDATE CASCADE: the binlog never carries"));
            assertThat(capture.preflight().warnings()).isEmpty();

            // A primary-key change is a delete and a create in the binlog (and MariaDB's ON UPDATE CASCADE moves order 10
            // without a trace): each half names the other key, from which transform pairs them, and derives the children's
            // change instead of the delete's cascade
            try (Connection c = db.connect("shop_basic"); Statement s = c.createStatement();
                    TopicReader customers = new TopicReader(kafka.bootstrapServers(), names.change(TableId.parse("shop_basic.customers")))) {
                s.execute("UPDATE customers SET customer_id = 5, email = 'e@x.io' WHERE customer_id = 1");
                customers.until(r -> customers.rows().stream().filter(e -> e.keyChange() != null).count() == 2
                        && customers.rows().stream().anyMatch(e -> e.op() == ChangeEvent.Op.DELETE && e.key().get("customer_id").asLong() == 2));
                // customer 2's delete, earlier, is no key change
                assertThat(customers.rows()).filteredOn(e -> e.op() == ChangeEvent.Op.DELETE && e.key().get("customer_id").asLong() == 2)
                        .singleElement().satisfies(e -> assertThat(e.keyChange()).isNull());
                var streamedCustomers = customers.rows().stream().filter(e -> e.keyChange() != null).toList();
                assertThat(streamedCustomers).extracting(e -> e.op() + " " + e.key().get("customer_id") + " " + e.keyChange().get("customer_id"))
                        .containsExactlyInAnyOrder("delete 1 5", "create 5 1");
                var delete = streamedCustomers.stream().filter(e -> e.op() == ChangeEvent.Op.DELETE).findFirst().orElseThrow();
                var create = streamedCustomers.stream().filter(e -> e.op() == ChangeEvent.Op.CREATE).findFirst().orElseThrow();
                assertThat(delete.before().get("email").asText()).as("the whole row before").isEqualTo("a@x.io");
                assertThat(create.source().stampUs()).as("the halves in log order").isGreaterThan(delete.source().stampUs());
                assertThat(create.after().get("email").asText()).isEqualTo("e@x.io");
            }

            // a TRUNCATE is a run that reads nothing, bounded at its place in the binlog on every partition; transform then
            // deletes the rows written before it (Debezium skips truncates by default: until session 29 nothing reached
            // the targets)
            try (Connection c = db.connect("shop_basic"); Statement s = c.createStatement()) {
                s.execute("TRUNCATE TABLE orders");
                s.execute("INSERT INTO orders VALUES (13, 5, 1.00)");
            }
            // the truncate's end on every partition (two ends each), and the row after it
            List<TopicReader.Received> all = orders.until(r -> orders.rows().stream().anyMatch(e -> e.op() == ChangeEvent.Op.CREATE
                    && e.key().get("order_id").asLong() == 13) && java.util.stream.IntStream.range(0, 3).allMatch(p -> r.stream()
                    .filter(x -> x.partition() == p && x.event() instanceof ChangeEvent.MarkerEvent m
                            && m.marker().kind() == io.ferry.core.event.Marker.Kind.SNAPSHOT_END).count() == 2));
            for (int p = 0; p < 3; p++) {
                int partition = p;
                List<String> sequence = all.stream().filter(x -> x.partition() == partition)
                        .map(x -> x.event() instanceof ChangeEvent.MarkerEvent m
                                ? m.marker().kind().wireName() : ((ChangeEvent.RowChange) x.event()).op().code())
                        .filter(k -> !k.equals("heartbeat")).toList();
                assertThat(String.join(" ", sequence)).as("partition %d", p)
                        .matches("snapshot_start( r)* snapshot_end( [cud])* snapshot_start snapshot_end( c)?");
            }
            assertThat(all.stream().filter(x -> x.event() instanceof ChangeEvent.MarkerEvent m && m.marker().kind().snapshotBound())
                    .map(x -> ((ChangeEvent.MarkerEvent) x.event()).marker().id()).distinct()).as("the truncate's run is a new one").hasSize(2);
        }
    }

    /**
     * The binlog brings in a table created and a column added while capture runs, but not their foreign keys or that a
     * MariaDB column holds JSON (a LONGTEXT with a json_valid check to the log): capture reads those from the source when
     * Debezium learns the table (again), so the schema topic lists the new cascade (transform rebuilds its topology on
     * it) and the new column is typed JSON, without a restart.
     */
    @Test
    void aTableCreatedAndAColumnAddedWhileRunningHaveTheirForeignKeysAndJsonColumns(MysqlService db, KafkaService kafka)
            throws Exception {
        db.createDatabase("shop_live");
        try (Connection c = db.connect("shop_live"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE customers (customer_id BIGINT PRIMARY KEY, email VARCHAR(255) NOT NULL)");
            s.execute("INSERT INTO customers VALUES (1, 'a@x.io')");
        }
        CaptureSettings settings = TestSources.mariadb("maria-live", db, "shop_live", kafka, 6102, "shop_live\\..*");
        TopicNames names = new TopicNames("maria-live");
        TableId customers = TableId.parse("shop_live.customers");
        TableId orders = TableId.parse("shop_live.orders");
        try (Capture capture = Capture.start(settings, null);
                TopicReader reader = new TopicReader(kafka.bootstrapServers(), names.change(customers))) {
            reader.until(r -> r.stream().anyMatch(x -> x.event() instanceof ChangeEvent.MarkerEvent m
                    && m.marker().kind() == io.ferry.core.event.Marker.Kind.SNAPSHOT_END));
            try (Connection c = db.connect("shop_live"); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE orders (order_id BIGINT PRIMARY KEY, customer_id BIGINT NOT NULL, "
                        + "FOREIGN KEY (customer_id) REFERENCES customers(customer_id) ON DELETE CASCADE)");
                s.execute("INSERT INTO orders VALUES (10, 1)");
                s.execute("ALTER TABLE customers ADD COLUMN prefs JSON");
                s.execute("INSERT INTO customers VALUES (2, 'b@x.io', '{\"theme\": \"dark\"}')");
            }
            await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> {
                var schemas = schemas(kafka, names.schemas());
                assertThat(schemas).as("the table created while running").anySatisfy(t -> {
                    assertThat(t.table()).isEqualTo(orders);
                    assertThat(t.foreignKeys()).singleElement().satisfies(fk -> {
                        assertThat(fk.parent()).isEqualTo(customers);
                        assertThat(fk.onDelete()).isEqualTo("CASCADE");
                    });
                });
                assertThat(schemas).as("the column added while running").anySatisfy(t -> {
                    assertThat(t.table()).isEqualTo(customers);
                    assertThat(t.columns()).filteredOn(col -> col.name().equals("prefs")).singleElement()
                            .satisfies(col -> assertThat(col.type().kind()).isEqualTo(io.ferry.core.types.CanonicalType.JSON));
                });
            });
        }
    }

    /**
     * A foreign key added by {@code ALTER TABLE} changes no column, and the binlog carries neither it nor the deletes its
     * cascade makes: capture reads the table's facts again at the DDL's place in the log, so the schema topic lists the
     * cascade before the child table's next change (transform rebuilds its topology on it), and drops it when the key is
     * dropped. The child's next row keeps that version.
     */
    @Test
    void aForeignKeyAddedOrDroppedByAlterTableIsPublishedWithoutAChangeOfTheTable(MysqlService db, KafkaService kafka) throws Exception {
        db.createDatabase("shop_alter");
        try (Connection c = db.connect("shop_alter"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE customers (customer_id BIGINT PRIMARY KEY, email VARCHAR(255) NOT NULL)");
            s.execute("CREATE TABLE orders (order_id BIGINT PRIMARY KEY, customer_id BIGINT NOT NULL)");
            s.execute("INSERT INTO customers VALUES (1, 'a@x.io'), (2, 'b@x.io')");
            s.execute("INSERT INTO orders VALUES (10, 1), (11, 2)");
        }
        CaptureSettings settings = TestSources.mariadb("maria-alter", db, "shop_alter", kafka, 6103, "shop_alter\\..*");
        TopicNames names = new TopicNames("maria-alter");
        TableId customers = TableId.parse("shop_alter.customers");
        TableId orders = TableId.parse("shop_alter.orders");
        java.util.function.Supplier<List<io.ferry.core.schema.TableSchema>> ofOrders = () -> schemas(kafka, names.schemas()).stream()
                .filter(t -> t.table().equals(orders)).toList();
        try (Capture capture = Capture.start(settings, null);
                TopicReader reader = new TopicReader(kafka.bootstrapServers(), names.change(orders))) {
            reader.until(r -> r.stream().anyMatch(x -> x.event() instanceof ChangeEvent.MarkerEvent m
                    && m.marker().kind() == io.ferry.core.event.Marker.Kind.SNAPSHOT_END));
            assertThat(ofOrders.get()).singleElement().satisfies(t -> assertThat(t.foreignKeys()).isEmpty());
            try (Connection c = db.connect("shop_alter"); Statement s = c.createStatement()) {
                s.execute("ALTER TABLE orders ADD CONSTRAINT fk_customer FOREIGN KEY (customer_id) REFERENCES customers(customer_id) "
                        + "ON DELETE CASCADE");
                s.execute("INSERT INTO customers VALUES (3, 'c@x.io')"); // a change of another table after the DDL
            }
            await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(ofOrders.get()).last().satisfies(t -> {
                assertThat(t.version()).isEqualTo(2);
                assertThat(t.foreignKeys()).singleElement().satisfies(fk -> {
                    assertThat(fk.name()).isEqualTo("fk_customer");
                    assertThat(fk.parent()).isEqualTo(customers);
                    assertThat(fk.onDelete()).isEqualTo("CASCADE");
                });
            }));
            // a heartbeat after the DDL has reached orders' topic, and no row of orders with it
            long beatsBefore = heartbeats(reader.until(r -> true));
            assertThat(reader.until(r -> heartbeats(r) > beatsBefore)).as("no row of orders changed")
                    .noneMatch(x -> x.event() instanceof ChangeEvent.RowChange rc && rc.op() != ChangeEvent.Op.READ);

            try (Connection c = db.connect("shop_alter"); Statement s = c.createStatement()) {
                s.execute("INSERT INTO orders VALUES (12, 3)");
            }
            reader.until(r -> r.stream().anyMatch(x -> x.event() instanceof ChangeEvent.RowChange rc && rc.op() == ChangeEvent.Op.CREATE));
            assertThat(reader.until(r -> true)).filteredOn(x -> x.event() instanceof ChangeEvent.RowChange rc
                    && rc.op() == ChangeEvent.Op.CREATE).singleElement()
                    .satisfies(x -> assertThat(((ChangeEvent.RowChange) x.event()).schemaVersion()).isEqualTo(2));

            try (Connection c = db.connect("shop_alter"); Statement s = c.createStatement()) {
                s.execute("ALTER TABLE orders DROP FOREIGN KEY fk_customer");
            }
            await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(ofOrders.get()).last().satisfies(t -> {
                assertThat(t.version()).isEqualTo(3);
                assertThat(t.foreignKeys()).isEmpty();
            }));
            assertThat(ofOrders.get()).hasSize(3);
        }
    }

    private static long heartbeats(List<TopicReader.Received> received) {
        return received.stream().filter(TopicReader.Received::heartbeat).count();
    }

    /** Every schema version the topic holds now, in order. */
    private static List<io.ferry.core.schema.TableSchema> schemas(KafkaService kafka, String topic) {
        return TopicReader.schemas(kafka.bootstrapServers(), topic);
    }
}
