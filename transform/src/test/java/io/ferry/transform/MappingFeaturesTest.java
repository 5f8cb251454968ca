package io.ferry.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ferry.core.config.ConfigError;
import io.ferry.core.config.ConfigException;
import io.ferry.core.config.PipelineLoader;
import io.ferry.core.event.Marker;
import io.ferry.core.topic.DeadLetter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The mapping features the golden scenarios do not cover, and bad input at load time and at run time. */
class MappingFeaturesTest {

    private static String pipeline(int partitions, String tables, String mappings) {
        return "pipeline:\n  name: features\nkafka:\n  partitions: " + partitions + "\nsource:\n  type: postgres\n  host: h\n  database: d\n"
                + "  user: u\n  tables: [" + tables + "]\nsinks:\n  - name: pg\n    type: test\n  - name: cass\n    type: test\nmappings:\n"
                + mappings;
    }

    @Test
    void regexOfShardsMergesIntoOneTargetAndDropKeepsTheRest() {
        String yaml = pipeline(1, "shop\\\\.orders_\\\\d+", """
                  - to: orders
                    from: 'shop\\.orders_\\d+'
                    sinks: [pg]
                    drop: [secret]
                """);
        try (TopologyHarness h = new TopologyHarness(yaml, List.of())) {
            h.insert("shop.orders_1", "{\"id\":1,\"total\":\"5.00\",\"secret\":\"x\"}");
            h.insert("shop.orders_2", "{\"id\":2,\"total\":\"7.50\",\"secret\":\"y\"}");
            assertThat(h.drain()).containsExactly(
                    "upsert pg.orders {\"id\":1} {\"id\":1,\"total\":\"5.00\"}",
                    "upsert pg.orders {\"id\":2} {\"id\":2,\"total\":\"7.50\"}");
        }
    }

    @Test
    void aSnapshotRunThatEndsDeletesWhatAnInterruptedRunLeft() {
        String yaml = pipeline(1, "public.items", """
                  - to: items
                    from: public.items
                    sinks: [pg]
                """);
        try (TopologyHarness h = new TopologyHarness(yaml, List.of())) {
            // run 1 reads three rows, then capture dies before its offsets say the snapshot is done
            h.snapshotBound(Marker.Kind.SNAPSHOT_START, 1, "public.items");
            h.read("public.items", "{\"id\":1,\"name\":\"a\"}");
            h.read("public.items", "{\"id\":2,\"name\":\"b\"}");
            h.read("public.items", "{\"id\":3,\"name\":\"c\"}");
            assertThat(h.drain()).hasSize(3);
            // item 2 is deleted while capture is down; run 2 reads what is left and streams on
            h.snapshotBound(Marker.Kind.SNAPSHOT_START, 2, "public.items");
            h.read("public.items", "{\"id\":1,\"name\":\"a\"}");
            h.read("public.items", "{\"id\":3,\"name\":\"c2\"}");
            h.snapshotBound(Marker.Kind.SNAPSHOT_END, 2, "public.items");
            assertThat(h.drain()).containsExactly(
                    "upsert pg.items {\"id\":1} {\"id\":1,\"name\":\"a\"}",
                    "upsert pg.items {\"id\":3} {\"id\":3,\"name\":\"c2\"}",
                    "delete pg.items {\"id\":2}");
            // streamed after the run: belongs to it, and the end's copy coming again sweeps nothing more
            h.insert("public.items", "{\"id\":4,\"name\":\"d\"}");
            h.snapshotBound(Marker.Kind.SNAPSHOT_END, 2, "public.items");
            assertThat(h.drain()).containsExactly("upsert pg.items {\"id\":4} {\"id\":4,\"name\":\"d\"}");
            // a later run that finds the table empty (it never starts on it) removes everything
            h.snapshotBound(Marker.Kind.SNAPSHOT_END, 3, "public.items");
            assertThat(h.drain()).containsExactlyInAnyOrder("delete pg.items {\"id\":1}", "delete pg.items {\"id\":3}",
                    "delete pg.items {\"id\":4}");
        }
    }

    @Test
    void aSweptParentTakesNoChildrenOfTheNewParentWithTheSameReferencedValue() {
        // MySQL's unlogged ON DELETE CASCADE from children.parent_code to parents.code (a unique column, not the key)
        String yaml = pipeline(1, "public.parents, public.children", """
                  - to: children
                    from: public.children
                    sinks: [pg]
                    related:
                      parent: {from: public.parents, on: {code: parent_code}}
                    columns:
                      id: id
                      parent_id: parent.id
                """);
        try (TopologyHarness h = new TopologyHarness(yaml, List.of(new io.ferry.transform.topology.Cascade(
                io.ferry.core.event.TableId.parse("public.children"), List.of("parent_code"),
                io.ferry.core.event.TableId.parse("public.parents"), List.of("code"), false)))) {
            h.snapshotBound(Marker.Kind.SNAPSHOT_START, 1, "public.parents");
            h.read("public.parents", "{\"id\":1,\"code\":\"A\"}");
            h.snapshotBound(Marker.Kind.SNAPSHOT_START, 1, "public.children");
            h.read("public.children", "{\"id\":10,\"parent_code\":\"A\"}");
            h.drain();
            // run 1 is interrupted; meanwhile the source deletes parent 1 (and, by its cascade, child 10) and makes parent 2
            // with the same code and its child 11; run 2 reads those
            h.snapshotBound(Marker.Kind.SNAPSHOT_START, 2, "public.parents");
            h.read("public.parents", "{\"id\":2,\"code\":\"A\"}");
            h.snapshotBound(Marker.Kind.SNAPSHOT_START, 2, "public.children");
            h.read("public.children", "{\"id\":11,\"parent_code\":\"A\"}");
            h.snapshotBound(Marker.Kind.SNAPSHOT_END, 2, "public.parents");
            h.snapshotBound(Marker.Kind.SNAPSHOT_END, 2, "public.children");
            h.tick(5);
            List<String> out = h.drain();
            assertThat(out).filteredOn(l -> l.startsWith("delete")).as("the sweeps: %s", out)
                    .containsExactly("delete pg.children {\"id\":10}");
            assertThat(out).contains("upsert pg.children {\"id\":11} {\"id\":11,\"parent_id\":2}");
        }
    }

    /**
     * Only order_items is mapped; MySQL's unlogged ON DELETE CASCADE runs customers to orders to order_items. A customer's
     * delete is all the binlog shows: its orders and their items are read into state (no mapping reads them) so the
     * cascade reaches the mapped items. Before, the cascade was dropped with its unmapped parent, and the items stayed.
     */
    @Test
    void anUnloggedCascadeReachesAMappedTableThroughTablesNoMappingReads() {
        String yaml = pipeline(1, "shop.customers, shop.orders, shop.order_items", """
                  - to: items
                    from: shop.order_items
                    sinks: [pg]
                """);
        io.ferry.core.event.TableId customers = io.ferry.core.event.TableId.parse("shop.customers");
        io.ferry.core.event.TableId orders = io.ferry.core.event.TableId.parse("shop.orders");
        io.ferry.core.event.TableId items = io.ferry.core.event.TableId.parse("shop.order_items");
        List<io.ferry.transform.topology.Cascade> cascades = List.of(
                new io.ferry.transform.topology.Cascade(orders, List.of("customer_id"), customers, List.of("customer_id"), false),
                new io.ferry.transform.topology.Cascade(items, List.of("order_id"), orders, List.of("order_id"), false));
        try (TopologyHarness h = new TopologyHarness(yaml, cascades).key("shop.customers", "customer_id")
                .key("shop.orders", "order_id").key("shop.order_items", "item_id")) {
            h.insert("shop.customers", "{\"customer_id\":1}");
            h.insert("shop.customers", "{\"customer_id\":2}");
            h.insert("shop.orders", "{\"order_id\":10,\"customer_id\":1}");
            h.insert("shop.orders", "{\"order_id\":20,\"customer_id\":2}");
            h.insert("shop.order_items", "{\"item_id\":100,\"order_id\":10}");
            h.insert("shop.order_items", "{\"item_id\":101,\"order_id\":10}");
            h.insert("shop.order_items", "{\"item_id\":200,\"order_id\":20}");
            assertThat(h.drain()).hasSize(3);
            h.delete("shop.customers", "{\"customer_id\":1}");
            assertThat(h.drain()).containsExactlyInAnyOrder("delete pg.items {\"item_id\":100}", "delete pg.items {\"item_id\":101}");
        }
    }

    /**
     * MySQL logs a parent's primary-key change as a delete and a create, and the children its ON UPDATE CASCADE changed not
     * at all. The children take the new key in the targets, a child whose own key holds the reference moves to its new
     * key, and nothing is deleted that the source kept. Before, the delete half ran the key's ON DELETE CASCADE: the
     * orders and their items left the targets while the source still had them.
     */
    @Test
    void aParentKeyChangeCarriesItsChildrenAlongUnderOnUpdateCascade() {
        String yaml = pipeline(1, "shop.customers, shop.orders, shop.order_items", """
                  - to: orders
                    from: shop.orders
                    sinks: [pg]
                    related:
                      customer: {from: shop.customers, on: {customer_id: customer_id}, missing: hold}
                    columns:
                      order_id: order_id
                      customer_id: customer_id
                      since: customer.since
                  - to: items
                    from: shop.order_items
                    sinks: [pg]
                """);
        io.ferry.core.event.TableId customers = io.ferry.core.event.TableId.parse("shop.customers");
        io.ferry.core.event.TableId orders = io.ferry.core.event.TableId.parse("shop.orders");
        io.ferry.core.event.TableId items = io.ferry.core.event.TableId.parse("shop.order_items");
        var cascade = io.ferry.transform.topology.Cascade.Action.CASCADE;
        List<io.ferry.transform.topology.Cascade> cascades = List.of(
                new io.ferry.transform.topology.Cascade(orders, List.of("customer_id"), customers, List.of("customer_id"), cascade, cascade),
                new io.ferry.transform.topology.Cascade(items, List.of("order_id"), orders, List.of("order_id"), cascade, cascade));
        try (TopologyHarness h = new TopologyHarness(yaml, cascades).key("shop.customers", "customer_id")
                .key("shop.orders", "order_id").key("shop.order_items", "order_id", "line")) {
            h.insert("shop.customers", "{\"customer_id\":1,\"since\":\"2020\"}");
            h.insert("shop.orders", "{\"order_id\":10,\"customer_id\":1}");
            h.insert("shop.orders", "{\"order_id\":11,\"customer_id\":1}");
            h.insert("shop.order_items", "{\"order_id\":10,\"line\":1}");
            h.insert("shop.order_items", "{\"order_id\":10,\"line\":2}");
            h.insert("shop.order_items", "{\"order_id\":11,\"line\":1}");
            assertThat(h.drain()).hasSize(5);

            // one change: the orders, which look their customer up (hold), are not taken out between the two halves
            h.changeKey("shop.customers", "{\"customer_id\":1,\"since\":\"2020\"}", "{\"customer_id\":5,\"since\":\"2020\"}");
            assertThat(h.drain()).containsExactlyInAnyOrder(
                    "upsert pg.orders {\"order_id\":10} {\"order_id\":10,\"customer_id\":5,\"since\":\"2020\"}",
                    "upsert pg.orders {\"order_id\":11} {\"order_id\":11,\"customer_id\":5,\"since\":\"2020\"}");

            // the order's key changes; its items' key holds it: they move, and the other order's item stays
            h.changeKey("shop.orders", "{\"order_id\":10,\"customer_id\":5}", "{\"order_id\":20,\"customer_id\":5}");
            assertThat(h.drain()).containsExactlyInAnyOrder(
                    "delete pg.orders {\"order_id\":10}",
                    "upsert pg.orders {\"order_id\":20} {\"order_id\":20,\"customer_id\":5,\"since\":\"2020\"}",
                    "delete pg.items {\"order_id\":10,\"line\":1}",
                    "delete pg.items {\"order_id\":10,\"line\":2}",
                    "upsert pg.items {\"order_id\":20,\"line\":1} {\"order_id\":20,\"line\":1}",
                    "upsert pg.items {\"order_id\":20,\"line\":2} {\"order_id\":20,\"line\":2}");

            // a delete still cascades, through the moved rows
            h.delete("shop.customers", "{\"customer_id\":5}");
            assertThat(h.drain()).containsExactlyInAnyOrder(
                    "delete pg.orders {\"order_id\":20}",
                    "delete pg.orders {\"order_id\":11}",
                    "delete pg.items {\"order_id\":20,\"line\":1}",
                    "delete pg.items {\"order_id\":20,\"line\":2}",
                    "delete pg.items {\"order_id\":11,\"line\":1}");
        }
    }

    /**
     * A change of a parent's referenced columns that are not its key (an UPDATE in the binlog): ON UPDATE SET NULL nulls the
     * children's reference, ON UPDATE CASCADE gives them the new value. A child with two keys to the same parent takes
     * both changes (each action starts from what the one before left). A key change that leaves the referenced values
     * as they were moves no child, and one whose row under the old key is not the one transform holds (changes a
     * restarted capture sends again) moves none either.
     */
    @Test
    void aChangeOfReferencedValuesRunsTheKeysOnUpdateAction() {
        String yaml = pipeline(1, "shop.parents, shop.kids, shop.pets, shop.docs", """
                  - to: kids
                    from: shop.kids
                    sinks: [pg]
                  - to: pets
                    from: shop.pets
                    sinks: [pg]
                  - to: docs
                    from: shop.docs
                    sinks: [pg]
                """);
        io.ferry.core.event.TableId parents = io.ferry.core.event.TableId.parse("shop.parents");
        io.ferry.core.event.TableId docs = io.ferry.core.event.TableId.parse("shop.docs");
        var none = io.ferry.transform.topology.Cascade.Action.NONE;
        var cascade = io.ferry.transform.topology.Cascade.Action.CASCADE;
        var setNull = io.ferry.transform.topology.Cascade.Action.SET_NULL;
        List<io.ferry.transform.topology.Cascade> cascades = List.of(
                new io.ferry.transform.topology.Cascade(io.ferry.core.event.TableId.parse("shop.kids"), List.of("parent_code"), parents,
                        List.of("code"), cascade, setNull),
                new io.ferry.transform.topology.Cascade(io.ferry.core.event.TableId.parse("shop.pets"), List.of("parent_tag"), parents,
                        List.of("tag"), cascade, cascade),
                new io.ferry.transform.topology.Cascade(docs, List.of("created_by"), parents, List.of("id"), none, cascade),
                new io.ferry.transform.topology.Cascade(docs, List.of("updated_by"), parents, List.of("id"), none, cascade));
        try (TopologyHarness h = new TopologyHarness(yaml, cascades)) {
            h.insert("shop.parents", "{\"id\":1,\"code\":\"A\",\"tag\":\"t\"}");
            h.insert("shop.kids", "{\"id\":10,\"parent_code\":\"A\"}");
            h.insert("shop.pets", "{\"id\":20,\"parent_tag\":\"t\"}");
            h.insert("shop.docs", "{\"id\":30,\"created_by\":1,\"updated_by\":1}");
            h.insert("shop.docs", "{\"id\":31,\"created_by\":1,\"updated_by\":null}");
            assertThat(h.drain()).hasSize(4);

            h.update("shop.parents", "{\"id\":1,\"code\":\"B\",\"tag\":\"u\"}");
            assertThat(h.drain()).containsExactlyInAnyOrder(
                    "upsert pg.kids {\"id\":10} {\"id\":10,\"parent_code\":null}",
                    "upsert pg.pets {\"id\":20} {\"id\":20,\"parent_tag\":\"u\"}");
            // an update that leaves the referenced values as they are changes no child
            h.update("shop.parents", "{\"id\":1,\"code\":\"B\",\"tag\":\"u\",\"note\":\"x\"}");
            assertThat(h.drain()).isEmpty();

            // the key changes: both of doc 30's columns follow it, and the code and tag children stay where they are
            h.changeKey("shop.parents", "{\"id\":1,\"code\":\"B\",\"tag\":\"u\",\"note\":\"x\"}",
                    "{\"id\":2,\"code\":\"B\",\"tag\":\"u\",\"note\":\"x\"}");
            assertThat(h.drain()).containsExactlyInAnyOrder(
                    "upsert pg.docs {\"id\":30} {\"id\":30,\"created_by\":2,\"updated_by\":2}",
                    "upsert pg.docs {\"id\":31} {\"id\":31,\"created_by\":2,\"updated_by\":null}");

            // the same key change sent again after a capture restart, while parent 1 is another row by now: its children
            // are not the ones the first parent 1 had, and stay
            h.insert("shop.parents", "{\"id\":1,\"code\":\"C\",\"tag\":\"v\"}");
            h.insert("shop.docs", "{\"id\":32,\"created_by\":1,\"updated_by\":1}");
            assertThat(h.drain()).hasSize(1);
            h.changeKey("shop.parents", "{\"id\":1,\"code\":\"B\",\"tag\":\"u\",\"note\":\"x\"}",
                    "{\"id\":2,\"code\":\"B\",\"tag\":\"u\",\"note\":\"x\"}");
            assertThat(h.drain()).as("no child moved").isEmpty();
        }
    }

    /**
     * A row that is its own parent (an employee who manages themself, ON DELETE CASCADE): its delete takes it and the rows
     * under it, and ends. Before, the cascade found the row again as its own child, for ever (a StackOverflowError).
     */
    @Test
    void aRowThatIsItsOwnParentEndsTheCascade() {
        String yaml = pipeline(1, "shop.staff", """
                  - to: staff
                    from: shop.staff
                    sinks: [pg]
                """);
        io.ferry.core.event.TableId staff = io.ferry.core.event.TableId.parse("shop.staff");
        try (TopologyHarness h = new TopologyHarness(yaml, List.of(new io.ferry.transform.topology.Cascade(staff,
                List.of("manager_id"), staff, List.of("id"), false)))) {
            h.insert("shop.staff", "{\"id\":1,\"manager_id\":1}");
            h.insert("shop.staff", "{\"id\":2,\"manager_id\":1}");
            h.insert("shop.staff", "{\"id\":3,\"manager_id\":2}");
            h.insert("shop.staff", "{\"id\":4,\"manager_id\":null}");
            assertThat(h.drain()).hasSize(4);
            h.delete("shop.staff", "{\"id\":1}");
            assertThat(h.drain()).containsExactlyInAnyOrder("delete pg.staff {\"id\":1}", "delete pg.staff {\"id\":2}",
                    "delete pg.staff {\"id\":3}");
        }
    }

    @Test
    void aSweepInSlicesStopsWhenANewerRunStartsAndMarkersWaitForIt() {
        String yaml = pipeline(1, "public.items", """
                  - to: items
                    from: public.items
                    sinks: [pg]
                """);
        System.setProperty("ferry.transform.sweep_budget", "1");
        try (TopologyHarness h = new TopologyHarness(yaml, List.of())) {
            h.snapshotBound(Marker.Kind.SNAPSHOT_START, 1, "public.items");
            for (int id = 1; id <= 4; id++) {
                h.read("public.items", "{\"id\":" + id + "}");
            }
            assertThat(h.drain()).hasSize(4);
            // run 2 finds 2 and 4 gone and ends; its sweep looks at one row per punctuation
            h.snapshotBound(Marker.Kind.SNAPSHOT_START, 2, "public.items");
            h.read("public.items", "{\"id\":1}");
            h.read("public.items", "{\"id\":3}");
            h.snapshotBound(Marker.Kind.SNAPSHOT_END, 2, "public.items");
            h.marker(7, "public.items");
            h.tick(1);
            // capture dies again before its offsets say run 2 is done: run 3 starts while run 2's sweep is under way, and
            // row 5, beyond the sweep's cursor, is run 3's
            h.snapshotBound(Marker.Kind.SNAPSHOT_START, 3, "public.items");
            h.read("public.items", "{\"id\":1}");
            h.read("public.items", "{\"id\":5}");
            List<String> out = h.drain();
            assertThat(out).as("run 3's rows stay while run 2's sweep is dropped").doesNotContain("delete pg.items {\"id\":5}")
                    .contains("upsert pg.items {\"id\":5} {\"id\":5}");
            int marker = out.indexOf(out.stream().filter(l -> l.startsWith("marker") && l.contains(" 7 from")).findFirst().orElseThrow());
            assertThat(marker).as("heartbeat 7 was held while run 2's sweep owed deletes: %s", out)
                    .isGreaterThan(out.indexOf("upsert pg.items {\"id\":5} {\"id\":5}"));
            h.snapshotBound(Marker.Kind.SNAPSHOT_END, 3, "public.items");
            List<String> swept = h.drain();
            assertThat(swept).filteredOn(l -> l.startsWith("delete")).as("run 3 read 1 and 5: the rest goes, once")
                    .containsExactlyInAnyOrder("delete pg.items {\"id\":2}", "delete pg.items {\"id\":3}", "delete pg.items {\"id\":4}");
        } finally {
            System.clearProperty("ferry.transform.sweep_budget");
        }
    }

    @Test
    void aSweptChildRowUpdatesItsParentsAggregate() {
        String yaml = pipeline(1, "public.users, public.sessions", """
                  - to: users
                    from: public.users
                    sinks: [pg]
                    related:
                      sessions: {from: public.sessions, on: {user_id: id}}
                    columns:
                      id: id
                      sessions: count(sessions)
                """);
        try (TopologyHarness h = new TopologyHarness(yaml, List.of())) {
            h.snapshotBound(Marker.Kind.SNAPSHOT_START, 1, "public.users");
            h.read("public.users", "{\"id\":1}");
            h.snapshotBound(Marker.Kind.SNAPSHOT_START, 1, "public.sessions");
            h.read("public.sessions", "{\"id\":10,\"user_id\":1}");
            h.read("public.sessions", "{\"id\":11,\"user_id\":1}");
            assertThat(h.drain()).last().isEqualTo("upsert pg.users {\"id\":1} {\"id\":1,\"sessions\":2}");
            // run 2: the first run's first snapshot bound came first, so the first run never ended; session 11 is gone
            h.snapshotBound(Marker.Kind.SNAPSHOT_START, 2, "public.users");
            h.read("public.users", "{\"id\":1}");
            h.snapshotBound(Marker.Kind.SNAPSHOT_START, 2, "public.sessions");
            h.read("public.sessions", "{\"id\":10,\"user_id\":1}");
            h.snapshotBound(Marker.Kind.SNAPSHOT_END, 2, "public.users");
            h.snapshotBound(Marker.Kind.SNAPSHOT_END, 2, "public.sessions");
            assertThat(h.drain()).last().isEqualTo("upsert pg.users {\"id\":1} {\"id\":1,\"sessions\":1}");
        }
    }

    @Test
    void holdKeepsAChildBackUntilItsParentExists() {
        String yaml = pipeline(1, "public.orders, public.customers", """
                  - to: orders
                    from: public.orders
                    sinks: [pg]
                    related:
                      customer: {from: public.customers, on: {id: customer_id}, missing: hold}
                    columns:
                      id: id
                      customer_name: upper(customer.name)
                """);
        try (TopologyHarness h = new TopologyHarness(yaml, List.of())) {
            h.insert("public.orders", "{\"id\":10,\"customer_id\":1}");
            assertThat(h.drain()).isEmpty();
            h.insert("public.customers", "{\"id\":1,\"name\":\"ada\"}");
            assertThat(h.drain()).containsExactly("upsert pg.orders {\"id\":10} {\"id\":10,\"customer_name\":\"ADA\"}");
            h.delete("public.customers", "{\"id\":1}");
            assertThat(h.drain()).containsExactly("delete pg.orders {\"id\":10}");
        }
    }

    @Test
    void filterDeletesARowThatStopsMatchingAndFanOutGoesToEachSink() {
        String yaml = pipeline(1, "public.items", """
                  - to: active_items
                    from: public.items
                    filter: "status = 'active' and price * 2 > 10"
                    columns:
                      id: id
                      label: "concat(lower(name), '-', id)"
                """);
        try (TopologyHarness h = new TopologyHarness(yaml, List.of())) {
            h.insert("public.items", "{\"id\":1,\"name\":\"Lamp\",\"status\":\"active\",\"price\":\"6.00\"}");
            assertThat(h.drain()).containsExactly(
                    "upsert pg.active_items {\"id\":1} {\"id\":1,\"label\":\"lamp-1\"}",
                    "upsert cass.active_items {\"id\":1} {\"id\":1,\"label\":\"lamp-1\"}");
            h.update("public.items", "{\"id\":1,\"name\":\"Lamp\",\"status\":\"retired\",\"price\":\"6.00\"}");
            assertThat(h.drain()).containsExactly("delete pg.active_items {\"id\":1}", "delete cass.active_items {\"id\":1}");
        }
    }

    @Test
    void updateWithoutAnUnchangedLargeValueKeepsItFromState() {
        String yaml = pipeline(1, "public.docs", """
                  - to: docs
                    from: public.docs
                    sinks: [pg]
                """);
        try (TopologyHarness h = new TopologyHarness(yaml, List.of())) {
            h.insert("public.docs", "{\"id\":1,\"title\":\"a\",\"body\":\"long text\"}");
            h.drain();
            // PostgreSQL leaves an unchanged TOAST value out of the update
            h.update("public.docs", "{\"id\":1,\"title\":\"b\"}");
            assertThat(h.drain()).containsExactly("upsert pg.docs {\"id\":1} {\"id\":1,\"title\":\"b\",\"body\":\"long text\"}");
        }
    }

    @Test
    void valueThatCannotConvertGoesToTheDeadLetterTopicAndProcessingGoesOn() {
        String yaml = pipeline(1, "public.events", """
                  - to: events
                    from: public.events
                    sinks: [pg]
                    columns:
                      id: id
                      day: {expr: happened, cast: date}
                """);
        try (TopologyHarness h = new TopologyHarness(yaml, List.of())) {
            h.insert("public.events", "{\"id\":1,\"happened\":\"not a date\"}");
            h.insert("public.events", "{\"id\":2,\"happened\":\"2024-03-15\"}");
            assertThat(h.drain()).containsExactly("upsert pg.events {\"id\":2} {\"id\":2,\"day\":\"2024-03-15\"}");
            List<DeadLetter> dead = h.deadLetters();
            assertThat(dead).hasSize(1);
            assertThat(dead.get(0).stage()).isEqualTo(DeadLetter.Stage.TRANSFORM);
            assertThat(dead.get(0).component()).isEqualTo("events");
            assertThat(dead.get(0).error()).contains("day", "not a date");
            assertThat(new String(dead.get(0).originValue(), StandardCharsets.UTF_8)).contains("\"happened\":\"not a date\"");
            h.raw("public.events", "{\"id\":3}".getBytes(StandardCharsets.UTF_8), "not json".getBytes(StandardCharsets.UTF_8));
            assertThat(h.deadLetters()).singleElement().extracting(DeadLetter::reason).isEqualTo("malformed change event");
        }
    }

    @Test
    void aTargetRecordOverTheRecordLimitIsDeadLetteredAndTheRestGoesOn() {
        String yaml = pipeline(1, "public.customers, public.notes", """
                  - to: customers
                    from: public.customers
                    sinks: [pg]
                    columns:
                      id: id
                      notes:
                        nest:
                          from: public.notes
                          on: {customer_id: id}
                          key: [id]
                """);
        String quarter = "n".repeat(io.ferry.core.topic.TopicSpec.MAX_RECORD_BYTES / 4);
        try (TopologyHarness h = new TopologyHarness(yaml, List.of())) {
            // four notes of 4 MiB: the customer's document is past 16 MiB when it comes, and Kafka would refuse it (and the
            // stream thread with it, at every restart); a later change of a nested note is a patch, which is small
            for (int i = 1; i <= 4; i++) {
                h.insert("public.notes", "{\"id\":" + i + ",\"customer_id\":1,\"body\":\"" + quarter + "\"}");
            }
            h.insert("public.notes", "{\"id\":9,\"customer_id\":2,\"body\":\"short\"}");
            h.insert("public.customers", "{\"id\":1}");
            h.insert("public.customers", "{\"id\":2}");
            assertThat(h.drain()).extracting(s -> s.substring(0, Math.min(40, s.length())))
                    .containsExactly("upsert pg.customers {\"id\":2} {\"id\":2,\"no");
            assertThat(h.deadLetters()).singleElement().satisfies(l -> {
                assertThat(l.reason()).isEqualTo("target record too large for 'customers'");
                assertThat(l.error()).contains("{\"id\":1}", "over Ferry's record limit of 16777216", "nest fewer children");
                assertThat(l.originTopic()).endsWith("public.customers");
            });
        }
    }

    @Test
    void aSinkThatTakesNoPatchesGetsTheWholeDocumentWhenANestedRowChanges() {
        String yaml = "pipeline:\n  name: features\nkafka:\n  partitions: 1\nsource:\n  type: postgres\n  host: h\n  database: d\n"
                + "  user: u\n  tables: [public.customers, public.notes]\nsinks:\n  - name: doc\n    type: test\n"
                + "  - name: rows\n    type: test-rows\nmappings:\n" + """
                  - to: customers
                    from: public.customers
                    columns:
                      id: id
                      notes:
                        nest:
                          from: public.notes
                          on: {customer_id: id}
                          key: [id]
                """;
        try (TopologyHarness h = new TopologyHarness(yaml, List.of())) {
            h.insert("public.customers", "{\"id\":1}");
            assertThat(h.drain()).containsExactlyInAnyOrder(
                    "upsert doc.customers {\"id\":1} {\"id\":1,\"notes\":[]}",
                    "upsert rows.customers {\"id\":1} {\"id\":1,\"notes\":[]}");
            h.insert("public.notes", "{\"id\":7,\"customer_id\":1,\"body\":\"a\"}");
            // the document target gets the patch; the relational one, which refuses patches, the row with its nested column
            assertThat(h.drain()).containsExactlyInAnyOrder(
                    "patch doc.customers {\"id\":1} set notes{\"id\":7} {\"id\":7,\"customer_id\":1,\"body\":\"a\"}",
                    "upsert rows.customers {\"id\":1} {\"id\":1,\"notes\":[{\"id\":7,\"customer_id\":1,\"body\":\"a\"}]}");
            h.delete("public.notes", "{\"id\":7}");
            assertThat(h.drain()).containsExactlyInAnyOrder(
                    "patch doc.customers {\"id\":1} remove notes{\"id\":7}",
                    "upsert rows.customers {\"id\":1} {\"id\":1,\"notes\":[]}");
        }
    }

    @Test
    void markersReachEveryPartitionOfEveryTargetNamingTheirOriginTask() {
        String yaml = pipeline(3, "public.a", """
                  - to: a
                    from: public.a
                    sinks: [pg]
                """);
        try (TopologyHarness h = new TopologyHarness(yaml, List.of())) {
            h.marker(5, "public.a");
            assertThat(h.markerKeys("pg", "a")).extracting(k -> k.get("__marker").asInt()).containsExactly(0, 1, 2);
            h.marker(6, "public.a");
            assertThat(h.events("pg", "a")).allSatisfy(e -> assertThat(e).isInstanceOfSatisfying(
                    io.ferry.core.event.TargetEvent.MarkerPassage.class, m -> {
                        assertThat(m.marker().id()).isEqualTo(6);
                        assertThat(m.origins()).as("one copy per change topic partition task").isEqualTo(3);
                    })).hasSize(3);
        }
    }

    @Test
    void configErrorsComeAllAtOnceWithPathAndLine() {
        String yaml = pipeline(1, "public.users", """
                  - to: users
                    from: public.userz
                    sinks: [nowhere]
                    columns:
                      id: "lower(email"
                      day: {expr: created, cast: dait}
                      kids:
                        nest:
                          from: public.users
                          on: {parent_id: id}
                      boss: manager.name
                """);
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> PipelineLoader.standard().parse(yaml, "p.yaml"));
        assertThat(e.errors()).extracting(ConfigError::toString).anySatisfy(s -> assertThat(s).startsWith("p.yaml:21: mappings[0].columns.id")
                .contains("lower(email"));
        assertThat(e.errors()).extracting(ConfigError::toString).anySatisfy(s -> assertThat(s).startsWith("p.yaml:22: mappings[0].columns.day.cast")
                .contains("unknown type 'dait'", "did you mean 'date'"));
        assertThat(e.errors()).extracting(ConfigError::toString).anySatisfy(s -> assertThat(s).startsWith("p.yaml:25: mappings[0].columns.kids.nest")
                .contains("a nest needs 'key'"));
        // the checks against the rest of the file run once the section itself is sound
        String sound = pipeline(1, "public.users", """
                  - to: users
                    from: public.userz
                    sinks: [nowhere]
                    columns:
                      id: id
                      boss: manager.name
                """);
        ConfigException cross = catchThrowableOfType(ConfigException.class, () -> PipelineLoader.standard().parse(sound, "p.yaml"));
        assertThat(cross.errors()).extracting(ConfigError::message).anySatisfy(m -> assertThat(m).contains("'public.userz' is not captured"))
                .anySatisfy(m -> assertThat(m).contains("sink 'nowhere'"))
                .anySatisfy(m -> assertThat(m).contains("relation 'manager'"));
    }

    @Test
    void toleranceKeysNameASinkATargetTableAndAListedColumn() {
        String mappings = """
                  - to: users
                    from: public.users
                    columns:
                      id: id
                      balance: balance
                  - to: orders
                    from: public.orders
                    sinks: [cass]
                    drop: [secret]
                """;
        String yaml = pipeline(1, "public.users, public.orders", mappings) + """
                validation:
                  tolerances:
                    users.balance: 0.01
                    pg/users.balanse: 0.01
                    nowhere/users.balance: 0.01
                    user.balance: 0.01
                    pg/orders.total: 0.01
                    cass/orders.total: 0.01
                    orders.secret: 1s
                """;
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> PipelineLoader.standard().parse(yaml, "p.yaml"));
        assertThat(e.errors()).allSatisfy(err -> assertThat(err.path()).isEqualTo("validation.tolerances"))
                .extracting(ConfigError::message).containsExactlyInAnyOrder(
                        "'pg/users.balanse' names column 'balanse', which is not a column of table 'users' (balance, id)",
                        "'nowhere/users.balance' names sink 'nowhere', which is not in 'sinks' (pg, cass)",
                        "'user.balance' names table 'user', which no mapping writes (target tables: orders, users)",
                        "'pg/orders.total' names table 'orders', which no mapping writes to sink 'pg' (target tables: orders, users)",
                        "'orders.secret' names column 'secret', which the mapping of table 'orders' drops");
        // a mapping that keeps every source column: any column but a dropped one (validation checks it against the target)
        String sound = pipeline(1, "public.users, public.orders", mappings)
                + "validation:\n  tolerances: {users.balance: 0.01, cass/orders.total: 0.01, orders.placed: 1s}\n";
        assertThat(PipelineLoader.standard().parse(sound, "p.yaml").validation().tolerances()).hasSize(3);
    }
}
