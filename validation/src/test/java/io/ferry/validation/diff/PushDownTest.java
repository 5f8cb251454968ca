package io.ferry.validation.diff;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.config.PipelineConfig;
import io.ferry.core.config.PipelineLoader;
import io.ferry.core.config.Problems;
import io.ferry.core.event.TableId;
import io.ferry.core.schema.Column;
import io.ferry.core.schema.TableSchema;
import io.ferry.core.spi.TargetTable;
import io.ferry.core.types.CanonicalType;
import io.ferry.core.types.ColumnType;
import io.ferry.core.types.Tolerance;
import io.ferry.transform.mapping.Mappings;
import io.ferry.transform.mapping.MappingsSchema;
import io.ferry.transform.mapping.TargetShapes;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which tables are compared by checksums in the databases, and how their columns line up; no servers. */
class PushDownTest {

    private static final TableId USERS = TableId.parse("public.users");
    private static final TableId SESSIONS = TableId.parse("public.user_sessions");
    private static final TableId ACCOUNTS = TableId.parse("public.accounts");

    private static Map<TableId, TableSchema> schemas() {
        return Map.of(
                USERS, new TableSchema(USERS, List.of(new Column("user_id", ColumnType.of(CanonicalType.INT32), false),
                        new Column("name", ColumnType.of(CanonicalType.STRING), true),
                        new Column("note", ColumnType.of(CanonicalType.STRING), true)), List.of("user_id"), 1),
                SESSIONS, new TableSchema(SESSIONS, List.of(new Column("session_id", ColumnType.of(CanonicalType.UUID), false),
                        new Column("user_id", ColumnType.of(CanonicalType.INT32), true)), List.of("session_id"), 1),
                ACCOUNTS, new TableSchema(ACCOUNTS, List.of(new Column("tenant", ColumnType.of(CanonicalType.INT64), false),
                        new Column("id", ColumnType.of(CanonicalType.INT64), false)), List.of("tenant", "id"), 1));
    }

    /** The decision for the first target table of a mapping, written by the given sink type from the given source type. */
    private static PushDown.Decision decide(String sourceType, String sinkType, String mappings) {
        return decide(sourceType, sinkType, mappings, 1);
    }

    private static PushDown.Decision decide(String sourceType, String sinkType, String mappings, int writers) {
        String yaml = """
                pipeline: {name: t}
                source: {type: %s, host: localhost, database: app, user: ferry, tables: [public.users, public.user_sessions, public.accounts]}
                sinks:
                  - {name: out, type: postgres, url: "fake://x"}
                mappings:
                %s
                """.formatted(sourceType, mappings.stripTrailing());
        PipelineConfig config = new PipelineLoader(name -> null, FakeSinks.factories(), Optional.of(new MappingsSchema()))
                .parse(yaml, "t.yaml");
        Problems problems = new Problems("t.yaml");
        Map<String, TargetTable> targets = new TargetShapes(problems).compute((Mappings) config.mappings(), List.of("out"), schemas())
                .get("out");
        assertThat(problems.errors()).isEmpty();
        var all = ((Mappings) config.mappings()).targets();
        var first = all.get(0);
        return PushDown.decide(new TableCheck("out", sinkType, targets.get(first.to()), java.util.Collections.nCopies(writers, first), Tolerance.EXACT, Map.of()), sourceType,
                schemas());
    }

    @Test
    void aTableCopiedColumnForColumnWithRenamesAndDropsIsPushedDown() {
        PushDown.Decision renamed = decide("postgres", "postgres", """
                  - to: people
                    from: public.users
                    columns:
                      id: user_id
                      full_name: name
                """);
        assertThat(renamed.shape()).contains(new PushDown.Shape("postgres", USERS, "user_id", "id", List.of("user_id", "name"),
                List.of("id", "full_name")));

        PushDown.Decision all = decide("mariadb", "mysql", """
                  - to: users
                    from: public.users
                    drop: [note]
                """);
        assertThat(all.shape()).contains(new PushDown.Shape("mysql", USERS, "user_id", "user_id", List.of("user_id", "name"),
                List.of("user_id", "name")));
    }

    @Test
    void everythingElseIsComparedRowByRowWithTheReason() {
        assertThat(decide("postgres", "mysql", "  - {to: users, from: public.users}\n").reason()).contains("not the same SQL family");
        assertThat(decide("postgres", "mongodb", "  - {to: users, from: public.users}\n").shape()).isEmpty();
        assertThat(decide("mysql", "postgres", "  - {to: users, from: public.users}\n").shape()).isEmpty();
        assertThat(decide("postgres", "postgres", """
                  - to: users
                    from: public.users
                    columns:
                      user_id: user_id
                      name: upper(name)
                """).reason()).contains("name is not a plain source column");
        assertThat(decide("postgres", "postgres", """
                  - to: users
                    from: public.users
                    columns:
                      user_id: {expr: user_id, cast: bigint}
                      name: name
                """).reason()).contains("user_id is not a plain source column");
        assertThat(decide("postgres", "postgres", """
                  - to: users
                    from: public.users
                    filter: name is not null
                """).reason()).contains("filter");
        assertThat(decide("postgres", "postgres", """
                  - to: users
                    from: public.users
                    related:
                      sessions: {from: public.user_sessions, on: {user_id: user_id}}
                    columns:
                      user_id: user_id
                      name: name
                """).reason()).contains("relations");
        assertThat(decide("postgres", "postgres", "  - {to: sessions, from: public.user_sessions}\n").reason())
                .contains("not an integer column");
        assertThat(decide("postgres", "postgres", "  - {to: accounts, from: public.accounts}\n").reason())
                .contains("not a single column");
        assertThat(decide("postgres", "postgres", """
                  - to: users
                    from: public.users
                    key: [name]
                """).reason()).contains("target key is not the source key");
        // the configuration lets one mapping write a sink's table; the rule does not rely on it
        assertThat(decide("postgres", "postgres", "  - {to: users, from: public.users}\n", 2).reason())
                .contains("2 mappings write the table");
    }
}
