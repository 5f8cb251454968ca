package io.ferry.validation.diff;

import static io.ferry.validation.diff.TestRows.key;
import static io.ferry.validation.diff.TestRows.row;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.core.config.PipelineConfig;
import io.ferry.core.config.PipelineLoader;
import io.ferry.core.config.Problems;
import io.ferry.core.config.SinkSettings;
import io.ferry.core.event.Row;
import io.ferry.core.event.TableId;
import io.ferry.core.schema.Column;
import io.ferry.core.schema.TableSchema;
import io.ferry.core.spi.SinkFactories;
import io.ferry.core.spi.TargetTable;
import io.ferry.core.types.CanonicalType;
import io.ferry.core.types.ColumnType;
import io.ferry.transform.mapping.Mappings;
import io.ferry.transform.mapping.MappingsSchema;
import io.ferry.transform.mapping.TargetShapes;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The validator's passes, recheck and results, over in-memory stand-ins for the source and the targets. */
class ValidatorTest {

    private static final ObjectMapper JSON = TestRows.JSON;
    private static final SinkFactories FACTORIES = FakeSinks.factories();
    private static final TableId USERS = TableId.parse("public.users");
    private static final TableId SESSIONS = TableId.parse("public.user_sessions");

    @BeforeEach
    void reset() {
        FakeSinks.SOURCE.clear();
        FakeSinks.TARGETS.clear();
        FakeSinks.OPEN.set(0);
    }

    private static Column col(String name, CanonicalType type) {
        return new Column(name, ColumnType.of(type), true);
    }

    private static Map<TableId, TableSchema> userSchemas() {
        return Map.of(USERS, new TableSchema(USERS, List.of(new Column("user_id", ColumnType.of(CanonicalType.INT32), false),
                col("name", CanonicalType.STRING)), List.of("user_id"), 1),
                SESSIONS, new TableSchema(SESSIONS, List.of(new Column("session_id", ColumnType.of(CanonicalType.INT32), false),
                        col("user_id", CanonicalType.INT32), col("last_activity", CanonicalType.TIMESTAMP)), List.of("session_id"), 1));
    }

    private static final String USERS_MAPPING = """
              - to: users
                from: public.users
                related:
                  sessions: {from: public.user_sessions, on: {user_id: user_id}}
                columns:
                  user_id: {expr: user_id, cast: bigint}
                  name: name
                  session_count: count(sessions)
                  last_login: max(sessions.last_activity)
            """;

    private static Validator validator(String sinks, String mappings, List<String> tables, Map<TableId, TableSchema> schemas) {
        return validator(sinks, mappings, tables, schemas, BucketedComparison.ROW_CAP);
    }

    /** @param rowCap the most expected rows held at once: a table mapping to more is compared by hashed buckets */
    private static Validator validator(String sinks, String mappings, List<String> tables, Map<TableId, TableSchema> schemas,
            int rowCap) {
        String yaml = """
                pipeline: {name: fake}
                source: {type: postgres, host: localhost, database: app, user: ferry, password: secret, tables: %s}
                sinks:
                %s
                mappings:
                %s
                """.formatted(tables, sinks.indent(2).stripTrailing(), mappings.stripTrailing());
        PipelineConfig config = new PipelineLoader(name -> null, FACTORIES, Optional.of(new MappingsSchema())).parse(yaml, "fake.yaml");
        Problems problems = new Problems("fake.yaml");
        Map<String, Map<String, TargetTable>> targets = new TargetShapes(problems).compute((Mappings) config.mappings(),
                config.sinks().stream().map(SinkSettings::name).toList(), schemas);
        assertThat(problems.errors()).isEmpty();
        return new Validator(config, schemas, targets, FACTORIES, Clock.systemUTC(), rowCap);
    }

    private static void users() {
        FakeSinks.SOURCE.put("public.users", new ArrayList<>(List.of(row("{\"user_id\": 1, \"name\": \"Ada\"}"),
                row("{\"user_id\": 2, \"name\": \"Grace\"}"), row("{\"user_id\": 3, \"name\": \"Edsger\"}"),
                row("{\"user_id\": 4, \"name\": \"Barbara\"}"))));
        FakeSinks.SOURCE.put("public.user_sessions", List.of(
                row("{\"session_id\": 10, \"user_id\": 1, \"last_activity\": \"2024-04-01T09:00:00.000001\"}"),
                row("{\"session_id\": 11, \"user_id\": 1, \"last_activity\": \"2024-04-02T09:00:00.000001\"}"),
                row("{\"session_id\": 12, \"user_id\": 3, \"last_activity\": \"2024-04-03T09:00:00.000001\"}")));
    }

    private static List<Row> mappedUsers() {
        return new ArrayList<>(List.of(
                row("{\"user_id\": 1, \"name\": \"Ada\", \"session_count\": 2, \"last_login\": \"2024-04-02T09:00:00.000001\"}"),
                row("{\"user_id\": 2, \"name\": \"Grace\", \"session_count\": 0, \"last_login\": null}"),
                row("{\"user_id\": 3, \"name\": \"Edsger\", \"session_count\": 1, \"last_login\": \"2024-04-03T09:00:00.000001\"}"),
                row("{\"user_id\": 4, \"name\": \"Barbara\", \"session_count\": 0, \"last_login\": null}")));
    }

    @Test
    void aTargetThatHoldsWhatTheSourceMapsToMatchesWithoutARecheck() {
        users();
        FakeSinks.TARGETS.put("mem/users", mappedUsers());
        AtomicInteger rechecks = new AtomicInteger();
        ValidationReport report = validator("- {name: mem, type: memory}", USERS_MAPPING, List.of("public.users", "public.user_sessions"),
                userSchemas()).run(rechecks::incrementAndGet);
        assertThat(report.tables()).containsExactly(new TableResult("mem", "users", TableResult.MATCH, 4, 4, 0, 0, 0, List.of(), ""));
        assertThat(rechecks).hasValue(0);
        assertThat(report.clean()).isTrue();
        assertThat(FakeSinks.OPEN).hasValue(0);
    }

    @Test
    void aToleranceForAColumnTheTargetDoesNotHaveFailsTheTableNamingIt() {
        FakeSinks.SOURCE.put("public.user_sessions", List.of(
                row("{\"session_id\": 10, \"user_id\": 1, \"last_activity\": \"2024-04-01T09:00:00.000001\"}")));
        FakeSinks.TARGETS.put("mem/sessions", List.of(
                row("{\"session_id\": 10, \"user_id\": 1, \"last_activity\": \"2024-04-01T09:00:00.000002\"}")));
        // every source column is kept, so the pipeline file's check cannot know the columns: validation does
        String mapping = """
                  - to: sessions
                    from: public.user_sessions
                validation:
                  tolerances: {sessions.last_activty: 1ms}
                """;
        ValidationReport report = validator("- {name: mem, type: memory}", mapping, List.of("public.user_sessions"), userSchemas()).run(() -> { });
        assertThat(report.tables()).singleElement().satisfies(t -> {
            assertThat(t.result()).isEqualTo(TableResult.ERROR);
            assertThat(t.detail()).isEqualTo("validation.tolerances names column(s) last_activty of sessions, which the target table does "
                    + "not have (columns: session_id, user_id, last_activity); fix the key");
        });
        // spelled right, the slack applies
        ValidationReport fixed = validator("- {name: mem, type: memory}", mapping.replace("last_activty", "last_activity"),
                List.of("public.user_sessions"), userSchemas()).run(() -> { });
        assertThat(fixed.tables()).singleElement().satisfies(t -> assertThat(t.result()).isEqualTo(TableResult.MATCH));

        // a table.column key is every sink's that has the column: another sink's table of that name, made by a mapping of
        // its own without it, is not failed for it
        FakeSinks.TARGETS.put("other/sessions", List.of(row("{\"session_id\": 10, \"user_id\": 1}")));
        String twoMappings = """
                  - to: sessions
                    from: public.user_sessions
                    sinks: [mem]
                  - to: sessions
                    name: sessions_other
                    from: public.user_sessions
                    sinks: [other]
                    columns: {session_id: session_id, user_id: user_id}
                validation:
                  tolerances: {sessions.last_activity: 1ms}
                """;
        ValidationReport both = validator("- {name: mem, type: memory}\n- {name: other, type: memory}", twoMappings,
                List.of("public.user_sessions"), userSchemas()).run(() -> { });
        assertThat(both.tables()).hasSize(2).allSatisfy(t -> assertThat(t.result()).as(t.toString()).isEqualTo(TableResult.MATCH));
    }

    @Test
    void onlyKeysThatDifferInBothPassesAreReported() {
        users();
        List<Row> target = mappedUsers();
        target.remove(1); // user 2 missing
        target.set(1, target.get(1).with("session_count", JSON.getNodeFactory().numberNode(5))); // user 3 different
        target.set(2, target.get(2).with("name", JSON.getNodeFactory().textNode("Barb"))); // user 4: in flight
        target.add(row("{\"user_id\": 99, \"name\": \"Gone\", \"session_count\": 0, \"last_login\": null}")); // deleted in flight
        FakeSinks.TARGETS.put("mem/users", target);
        AtomicInteger rechecks = new AtomicInteger();
        ValidationReport report = validator("- {name: mem, type: memory}", USERS_MAPPING, List.of("public.users", "public.user_sessions"),
                userSchemas()).run(() -> {
                    if (rechecks.incrementAndGet() > 1) {
                        return; // nothing changes after the first wait
                    }
                    List<Row> caughtUp = new ArrayList<>(target.subList(0, 2));
                    caughtUp.add(mappedUsers().get(3));
                    // a new source row and its target row arrive during the wait: seen in the second pass only
                    FakeSinks.SOURCE.get("public.users").add(row("{\"user_id\": 5, \"name\": \"Alan\"}"));
                    caughtUp.add(row("{\"user_id\": 5, \"name\": \"Alan\", \"session_count\": 0, \"last_login\": null}"));
                    FakeSinks.TARGETS.put("mem/users", caughtUp);
                });
        assertThat(rechecks).as("real differences stand through every recheck").hasValue(Validator.RECHECKS);
        TableResult users = report.tables().get(0);
        assertThat(users.result()).isEqualTo(TableResult.DIFF);
        assertThat(List.of(users.sourceRows(), users.targetRows(), users.missing(), users.extra(), users.different()))
                .containsExactly(5L, 4L, 1L, 0L, 1L);
        assertThat(users.samples()).containsExactly(RowDiff.missing(key("user_id", 2)),
                RowDiff.different(key("user_id", 3), List.of("session_count")));
        assertThat(report.summary()).isEqualTo("users: 1 missing, 1 different");
        assertThat(FakeSinks.OPEN).hasValue(0);
    }

    @Test
    void aRowWrittenAgainDuringEachOfTwoPassesIsNotReported() {
        users();
        List<Row> target = mappedUsers();
        // user 1 is written often: the target is one change behind in the first pass, and again in the second
        target.set(0, target.get(0).with("name", JSON.getNodeFactory().textNode("Ada v1")));
        FakeSinks.TARGETS.put("mem/users", target);
        AtomicInteger rechecks = new AtomicInteger();
        ValidationReport report = validator("- {name: mem, type: memory}", USERS_MAPPING, List.of("public.users", "public.user_sessions"),
                userSchemas()).run(() -> {
                    List<Row> now = mappedUsers();
                    if (rechecks.incrementAndGet() == 1) {
                        now.set(0, now.get(0).with("name", JSON.getNodeFactory().textNode("Ada v2")));
                    }
                    FakeSinks.TARGETS.put("mem/users", now);
                });
        assertThat(rechecks).hasValue(2);
        assertThat(report.tables()).singleElement().satisfies(t -> assertThat(t.result()).isEqualTo(TableResult.MATCH));
        assertThat(report.clean()).isTrue();
    }

    @Test
    void aTableLargerThanTheRowCapIsComparedByBucketsWithExactlyTheSameFindings() {
        users();
        List<Row> target = mappedUsers();
        target.remove(1); // user 2 missing
        target.set(1, target.get(1).with("session_count", JSON.getNodeFactory().numberNode(5))); // user 3 different
        target.add(row("{\"user_id\": 99, \"name\": \"Ghost\", \"session_count\": 0, \"last_login\": null}")); // extra
        List<String> tables = List.of("public.users", "public.user_sessions");
        FakeSinks.TARGETS.put("mem/users", target);
        TableResult whole = validator("- {name: mem, type: memory}", USERS_MAPPING, tables, userSchemas()).run(() -> { }).tables().get(0);
        TableResult bucketed = validator("- {name: mem, type: memory}", USERS_MAPPING, tables, userSchemas(), 1).run(() -> { })
                .tables().get(0);
        assertThat(whole.detail()).isEmpty();
        assertThat(bucketed.detail()).startsWith("hashed in 65536 buckets, 3 differing compared row by row in ");
        assertThat(List.of(bucketed.sourceRows(), bucketed.targetRows(), bucketed.missing(), bucketed.extra(), bucketed.different()))
                .containsExactly(4L, 4L, 1L, 1L, 1L);
        assertThat(bucketed.samples()).containsExactly(RowDiff.missing(key("user_id", 2)),
                RowDiff.different(key("user_id", 3), List.of("session_count")), RowDiff.extra(key("user_id", 99)));
        assertThat(bucketed.samples()).isEqualTo(whole.samples());

        FakeSinks.TARGETS.put("mem/users", mappedUsers());
        assertThat(validator("- {name: mem, type: memory}", USERS_MAPPING, tables, userSchemas(), 1).run(() -> { }).tables())
                .containsExactly(new TableResult("mem", "users", TableResult.MATCH, 4, 4, 0, 0, 0, List.of(),
                        "hashed in 65536 buckets, all matching"));
        assertThat(FakeSinks.OPEN).hasValue(0);
    }

    /**
     * A source row the mapping refuses never reaches the target (the pipeline dead-letters it) and has no target key to
     * name: the table is DIFF all the same, held or bucketed, so validate, drain and the gate never pass a target that
     * lacks it (it was MATCH with a note until session 27, and the gate opened once the dead-letter topic was cleared).
     */
    @Test
    void aSourceRowTheMappingRefusesMakesTheTableDifferent() {
        String mappings = """
                  - to: ages
                    from: public.users
                    columns:
                      user_id: user_id
                      age: {expr: name, cast: int}
                """;
        FakeSinks.SOURCE.put("public.users", List.of(row("{\"user_id\": 1, \"name\": \"41\"}"), row("{\"user_id\": 2, \"name\": \"x\"}"),
                row("{\"user_id\": 3, \"name\": \"7\"}")));
        FakeSinks.TARGETS.put("mem/ages", List.of(row("{\"user_id\": 1, \"age\": 41}"), row("{\"user_id\": 3, \"age\": 7}")));
        for (int rowCap : List.of(BucketedComparison.ROW_CAP, 1)) {
            ValidationReport report = validator("- {name: mem, type: memory}", mappings, List.of("public.users"), userSchemas(), rowCap)
                    .run(() -> { });
            TableResult t = report.tables().get(0);
            assertThat(t.result()).as("row cap %d", rowCap).isEqualTo(TableResult.DIFF);
            assertThat(t.missing()).as("counted as missing from the target").isEqualTo(1);
            assertThat(t.detail()).contains("1 source row(s) do not map", "public.users", "user_id=2");
            assertThat(report.clean()).isFalse();
        }
    }

    @Test
    void sourceRowsThatCollideOnATargetKeyAreCountedExactlyWhenTheTableIsBucketed() {
        Map<TableId, TableSchema> schemas = new LinkedHashMap<>();
        // orders_9 was captured once (its schema is known) and dropped since: no rows of it are expected
        for (String shard : List.of("shop.orders_1", "shop.orders_2", "shop.orders_9")) {
            TableId t = TableId.parse(shard);
            schemas.put(t, new TableSchema(t, List.of(new Column("order_id", ColumnType.of(CanonicalType.INT64), false),
                    new Column("total", ColumnType.decimal(10, 2), true)), List.of("order_id"), 1));
        }
        String mappings = """
                  - to: orders
                    from: 'shop\\.orders_\\d+'
                """;
        List<String> tables = List.of("shop.orders_1", "shop.orders_2");
        // the later shard's order 1 wins in the target; the collision comes after the first pass stopped holding rows
        FakeSinks.SOURCE.put("shop.orders_1", List.of(row("{\"order_id\": 1, \"total\": \"1.00\"}"),
                row("{\"order_id\": 2, \"total\": \"2.00\"}")));
        FakeSinks.SOURCE.put("shop.orders_2", List.of(row("{\"order_id\": 1, \"total\": \"9.00\"}"),
                row("{\"order_id\": 3, \"total\": \"3.00\"}")));
        FakeSinks.TARGETS.put("mem/orders", List.of(row("{\"order_id\": 1, \"total\": \"9.00\"}"),
                row("{\"order_id\": 2, \"total\": \"2.00\"}"), row("{\"order_id\": 3, \"total\": \"3.00\"}")));
        String collision = "1 source row(s) map to a target key another row also maps to";
        TableResult late = validator("- {name: mem, type: memory}", mappings, tables, schemas, 1).run(() -> { }).tables().get(0);
        assertThat(late).isEqualTo(new TableResult("mem", "orders", TableResult.MATCH, 3, 3, 0, 0, 0, List.of(),
                "hashed in 65536 buckets, 1 differing compared row by row; " + collision));

        // the collision comes while rows are still held: its bucket matches by sums, and is compared anyway
        FakeSinks.SOURCE.put("shop.orders_1", List.of(row("{\"order_id\": 1, \"total\": \"1.00\"}")));
        FakeSinks.SOURCE.put("shop.orders_2", List.of(row("{\"order_id\": 1, \"total\": \"9.00\"}"),
                row("{\"order_id\": 2, \"total\": \"2.00\"}"), row("{\"order_id\": 3, \"total\": \"3.00\"}")));
        TableResult early = validator("- {name: mem, type: memory}", mappings, tables, schemas, 1).run(() -> { }).tables().get(0);
        assertThat(early).isEqualTo(late);
        TableResult held = validator("- {name: mem, type: memory}", mappings, tables, schemas).run(() -> { }).tables().get(0);
        assertThat(held).isEqualTo(new TableResult("mem", "orders", TableResult.MATCH, 3, 3, 0, 0, 0, List.of(), collision));
    }

    @Test
    void aRecheckThatFailsLeavesTheDifferencesUnconfirmedAsAnError() {
        users();
        FakeSinks.TARGETS.put("mem/users", mappedUsers().subList(0, 3));
        ValidationReport report = validator("- {name: mem, type: memory}", USERS_MAPPING, List.of("public.users", "public.user_sessions"),
                userSchemas()).run(() -> {
                    throw new IllegalStateException("the drain marker did not arrive within 5m");
                });
        TableResult users = report.tables().get(0);
        assertThat(users.result()).isEqualTo(TableResult.ERROR);
        assertThat(users.missing()).isEqualTo(1);
        assertThat(users.detail()).contains("unconfirmed", "the drain marker did not arrive within 5m");
        assertThat(report.clean()).isFalse();
        assertThat(report.failed()).isTrue();
    }

    @Test
    void aSinkThatCannotReadBackAndAnEmptyTableWithoutAShapeAreSkippedNotDirty() {
        users();
        FakeSinks.SOURCE.put("public.events", List.of());
        FakeSinks.TARGETS.put("mem/users", mappedUsers());
        String mappings = USERS_MAPPING + """
                  - to: events
                    from: public.events
                    sinks: [mem]
                  - to: audits
                    from: 'public\\.audit_.*'
                    sinks: [mem]
                """;
        ValidationReport report = validator("- {name: mem, type: memory}\n- {name: blind, type: blind}", mappings,
                List.of("public.users", "public.user_sessions", "public.events", "'public\\.audit_.*'"), userSchemas()).run(() -> { });
        assertThat(report.tables()).extracting(t -> t.sink() + "/" + t.table() + " " + t.result()).containsExactly(
                "mem/users MATCH", "blind/users SKIPPED", "mem/events SKIPPED", "mem/audits SKIPPED");
        assertThat(report.tables().get(1).detail()).isEqualTo("the blind sink cannot read rows back");
        // capture publishes a table's schema with its first row: an empty table has none, and nothing to compare
        assertThat(report.tables().get(2).detail()).contains("public.events", "not known yet", "has no rows");
        assertThat(report.tables().get(3).detail()).contains("public\\.audit_.*", "no table the pattern matches");
        assertThat(report.clean()).isTrue();
        assertThat(report.summary()).isEqualTo("1 of 4 table(s) match, 3 skipped");
        assertThat(FakeSinks.OPEN).hasValue(0);
    }

    @Test
    void aTableWithRowsButNoShapeYetCouldNotBeTold() {
        users();
        FakeSinks.SOURCE.put("public.events", List.of(row("{\"event_id\": 1}")));
        FakeSinks.TARGETS.put("mem/users", mappedUsers());
        String mappings = USERS_MAPPING + """
                  - to: events
                    from: public.events
                """;
        // before session 28 SKIPPED and clean: a validation before capture published the schema passed an unread target
        ValidationReport report = validator("- {name: mem, type: memory}", mappings,
                List.of("public.users", "public.user_sessions", "public.events"), userSchemas()).run(() -> { });
        assertThat(report.tables()).extracting(t -> t.table() + " " + t.result()).containsExactly("users MATCH", "events ERROR");
        assertThat(report.tables().get(1).detail()).contains("public.events", "not known yet", "has rows");
        assertThat(report.clean()).isFalse();
        assertThat(report.failed()).isTrue();

        // a source that cannot be asked: cannot tell either
        FakeSinks.SOURCE.remove("public.events");
        ValidationReport unreadable = validator("- {name: mem, type: memory}", mappings,
                List.of("public.users", "public.user_sessions", "public.events"), userSchemas()).run(() -> { });
        assertThat(unreadable.tables().get(1).result()).isEqualTo(TableResult.ERROR);
        assertThat(unreadable.tables().get(1).detail()).contains("cannot tell whether public.events has rows", "does not exist");
        assertThat(FakeSinks.OPEN).hasValue(0);
    }

    @Test
    void shardsMergedByAPatternAreExpectedTogetherAndFilteredRowsNotAtAll() {
        Map<TableId, TableSchema> schemas = new LinkedHashMap<>();
        for (String shard : List.of("shop.orders_1", "shop.orders_2")) {
            TableId t = TableId.parse(shard);
            schemas.put(t, new TableSchema(t, List.of(new Column("order_id", ColumnType.of(CanonicalType.INT64), false),
                    col("status", CanonicalType.STRING), new Column("total", ColumnType.decimal(10, 2), true)), List.of("order_id"), 1));
        }
        FakeSinks.SOURCE.put("shop.orders_1", List.of(row("{\"order_id\": 1, \"status\": \"new\", \"total\": \"12.50\"}"),
                row("{\"order_id\": 2, \"status\": \"deleted\", \"total\": \"1.00\"}")));
        FakeSinks.SOURCE.put("shop.orders_2", List.of(row("{\"order_id\": 3, \"status\": \"new\", \"total\": \"7.00\"}")));
        // decimals compare by value: the target spells them its own way
        FakeSinks.TARGETS.put("mem/orders", List.of(row("{\"order_id\": 1, \"status\": \"new\", \"total\": \"12.5\"}"),
                row("{\"order_id\": 3, \"status\": \"new\", \"total\": \"7\"}")));
        String mappings = """
                  - to: orders
                    from: 'shop\\.orders_\\d+'
                    filter: status <> 'deleted'
                """;
        ValidationReport report = validator("- {name: mem, type: memory}", mappings, List.of("shop.orders_1", "shop.orders_2"), schemas)
                .run(() -> { });
        assertThat(report.tables()).containsExactly(new TableResult("mem", "orders", TableResult.MATCH, 2, 2, 0, 0, 0, List.of(), ""));
    }

    @Test
    void nestedDocumentsCompareIgnoringFieldOrderAndChildOrderAtTheTargetsPrecision() {
        TableId customers = TableId.parse("shop.customers");
        TableId orders = TableId.parse("shop.orders");
        Map<TableId, TableSchema> schemas = Map.of(
                customers, new TableSchema(customers, List.of(new Column("customer_id", ColumnType.of(CanonicalType.INT64), false),
                        col("first_name", CanonicalType.STRING)), List.of("customer_id"), 1),
                orders, new TableSchema(orders, List.of(new Column("order_id", ColumnType.of(CanonicalType.INT64), false),
                        col("customer_id", CanonicalType.INT64), col("placed", CanonicalType.TIMESTAMPTZ),
                        new Column("total", ColumnType.decimal(10, 2), true)), List.of("order_id"), 1));
        FakeSinks.SOURCE.put("shop.customers", List.of(row("{\"customer_id\": 1, \"first_name\": \"Alice\"}")));
        FakeSinks.SOURCE.put("shop.orders", List.of(
                row("{\"order_id\": 10, \"customer_id\": 1, \"placed\": \"2024-03-15T10:30:00.123456Z\", \"total\": \"12.50\"}"),
                row("{\"order_id\": 11, \"customer_id\": 1, \"placed\": \"2024-03-16T10:30:00.000999Z\", \"total\": \"3.00\"}")));
        String mappings = """
                  - to: customers
                    from: shop.customers
                    columns:
                      _id: customer_id
                      profile: {group: {first_name: first_name}}
                      orders:
                        nest: {from: shop.orders, on: {customer_id: customer_id}, key: [order_id]}
                """;
        // a document target keeps milliseconds, its own field order and its own child order
        FakeSinks.TARGETS.put("docs/customers", List.of(row("{\"_id\": 1, \"profile\": {\"first_name\": \"Alice\"}, \"orders\": ["
                + "{\"total\": \"3\", \"placed\": \"2024-03-16T10:30:00.000000Z\", \"customer_id\": 1, \"order_id\": 11},"
                + "{\"order_id\": 10, \"customer_id\": 1, \"placed\": \"2024-03-15T10:30:00.123000Z\", \"total\": \"12.5\"}]}")));
        List<String> tables = List.of("shop.customers", "shop.orders");
        FakeSinks.TARGETS.put("exact/customers", FakeSinks.TARGETS.get("docs/customers"));
        TableResult exact = validator("- {name: exact, type: memory}", mappings, tables, schemas).run(() -> { }).tables().get(0);
        assertThat(exact.samples()).containsExactly(RowDiff.different(key("_id", 1), List.of("orders")));

        Validator atMillis = validator("- {name: docs, type: mongodb}", mappings, tables, schemas);
        assertThat(atMillis.run(() -> { }).tables()).extracting(TableResult::result).containsExactly(TableResult.MATCH);

        FakeSinks.TARGETS.put("docs/customers", List.of(row("{\"_id\": 1, \"profile\": {\"first_name\": \"Alice\"}, \"orders\": ["
                + "{\"order_id\": 10, \"customer_id\": 1, \"placed\": \"2024-03-15T10:30:00.123000Z\", \"total\": \"12.5\"}]}")));
        assertThat(atMillis.run(() -> { }).tables().get(0).samples()).containsExactly(RowDiff.different(key("_id", 1), List.of("orders")));
    }
}
