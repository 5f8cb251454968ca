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
import java.util.List;
import java.util.Map;
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
}
