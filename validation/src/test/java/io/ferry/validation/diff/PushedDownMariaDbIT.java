package io.ferry.validation.diff;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.ferry.core.config.PipelineConfig;
import io.ferry.core.config.PipelineLoader;
import io.ferry.core.config.Problems;
import io.ferry.core.config.SinkSettings;
import io.ferry.core.event.Row;
import io.ferry.core.event.SourceInfo;
import io.ferry.core.event.TableId;
import io.ferry.core.event.TargetEvent;
import io.ferry.core.schema.Column;
import io.ferry.core.schema.TableSchema;
import io.ferry.core.spi.Sink;
import io.ferry.core.spi.SinkFactories;
import io.ferry.core.spi.TargetTable;
import io.ferry.core.types.CanonicalType;
import io.ferry.core.types.ColumnType;
import io.ferry.devstack.MysqlService;
import io.ferry.devstack.Service;
import io.ferry.devstack.junit.WithServices;
import io.ferry.sinks.runtime.RuntimeSinkContext;
import io.ferry.transform.mapping.Mappings;
import io.ferry.transform.mapping.TargetShapes;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A 1:1 table, MariaDB to MariaDB, compared by segment checksums computed in both databases. */
@WithServices(Service.MARIADB)
class PushedDownMariaDbIT {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final TableId ITEMS = TableId.parse("maria_src.items");
    private static final int ROWS = 20_000;

    private static Validator validator(MysqlService db, Map<TableId, TableSchema> schemas, boolean pushDown, List<PipelineConfig> out) {
        String yaml = """
                pipeline: {name: validate-maria}
                source: {type: mariadb, host: %s, port: %d, database: maria_src, user: %s, password: %s, tables: [maria_src.items]}
                sinks:
                  - {name: maria, type: mariadb, url: "%s", user: %s, password: %s}
                mappings:
                  - to: items_copy
                    from: maria_src.items
                    columns: {item_id: id, name: name, amount: amount, seen: seen}
                validation: {segment_rows: 5000, push_down: %s}
                """.formatted(db.host(), db.port(), db.user(), db.password(), db.jdbcUrl("maria_dst"), db.user(), db.password(), pushDown);
        PipelineConfig config = PipelineLoader.standard().parse(yaml, "maria.yaml");
        Problems problems = new Problems("maria.yaml");
        Map<String, Map<String, TargetTable>> targets = new TargetShapes(problems).compute((Mappings) config.mappings(),
                config.sinks().stream().map(SinkSettings::name).toList(), schemas);
        assertThat(problems.errors()).isEmpty();
        out.add(config);
        return new Validator(config, schemas, targets);
    }

    @Test
    void aSameShapedMariaDbTableIsComparedBySegments(MysqlService db) throws Exception {
        db.createDatabase("maria_src");
        db.createDatabase("maria_dst");
        try (Connection c = db.connect("maria_src"); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS items");
            s.execute("CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(40), amount DECIMAL(12,2), seen DATETIME(6))");
            s.execute("SET SESSION max_recursive_iterations = " + (ROWS + 10));
            s.execute("INSERT INTO items SELECT i, IF(i % 7 = 0, NULL, CONCAT('item ', i)), i * 1.25, "
                    + "TIMESTAMP '2024-03-15 10:30:00.123456' + INTERVAL i * 1000777 MICROSECOND "
                    + "FROM (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + ROWS + ") SELECT i FROM n) x");
        }
        try (Connection c = db.connect("maria_dst"); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS items_copy");
        }
        Map<TableId, TableSchema> schemas = Map.of(ITEMS, new TableSchema(ITEMS, List.of(
                new Column("id", ColumnType.of(CanonicalType.INT32), false),
                new Column("name", ColumnType.of(CanonicalType.STRING).withLength(40), true),
                new Column("amount", ColumnType.decimal(12, 2), true),
                new Column("seen", ColumnType.of(CanonicalType.TIMESTAMP), true)), List.of("id"), 1));
        List<PipelineConfig> configs = new ArrayList<>();
        Validator pushed = validator(db, schemas, true, configs);
        PipelineConfig config = configs.get(0);
        List<TargetEvent> copy = new ArrayList<>();
        long[] order = {0};
        try (SourceRows source = new SourceRows("validate-maria", config.source(), schemas, SinkFactories.load())) {
            source.read(ITEMS, r -> {
                Row key = Row.builder().put("item_id", r.get("id")).build();
                Row row = key.with("name", r.get("name")).with("amount", r.get("amount")).with("seen", r.get("seen"));
                order[0]++;
                copy.add(new TargetEvent.Upsert("items_copy", key, row, new SourceInfo("src", "0/" + order[0], order[0], "1",
                        1_700_000_000_000_000L + order[0], false)));
            });
        }
        SinkSettings sink = config.sinks().get(0);
        Map<String, TargetTable> shapes = new TargetShapes(new Problems("t")).compute((Mappings) config.mappings(), List.of("maria"),
                schemas).get("maria");
        try (Sink s = SinkFactories.load().require("mariadb").create(new RuntimeSinkContext("validate-maria", "maria", sink.options(),
                () -> shapes))) {
            for (int i = 0; i < copy.size(); i += 5_000) {
                s.write(copy.subList(i, Math.min(copy.size(), i + 5_000)));
            }
        }

        TableResult clean = pushed.run(() -> { }).tables().get(0);
        assertThat(clean.result()).as(clean.toString()).isEqualTo(TableResult.MATCH);
        assertThat(clean.detail()).isEqualTo("pushed down: 4 segment(s), all matching");
        assertThat(List.of(clean.sourceRows(), clean.targetRows())).containsExactly((long) ROWS, (long) ROWS);

        try (Connection c = db.connect("maria_dst"); Statement s = c.createStatement()) {
            s.execute("DELETE FROM items_copy WHERE item_id = 100");
            s.execute("UPDATE items_copy SET name = NULL WHERE item_id = 7001");
            s.execute("INSERT INTO items_copy (item_id, name) VALUES (90000, 'ghost')");
        }
        TableResult dirty = pushed.run(() -> { }).tables().get(0);
        assertThat(List.of(dirty.sourceRows(), dirty.targetRows(), dirty.missing(), dirty.extra(), dirty.different()))
                .containsExactly((long) ROWS, (long) ROWS, 1L, 1L, 1L);
        assertThat(dirty.samples()).containsExactly(RowDiff.missing(key(100)), RowDiff.different(key(7001), List.of("name")),
                RowDiff.extra(key(90000)));
        assertThat(dirty.detail()).startsWith("pushed down: 4 segment(s), 3 bisected to 3 range(s) compared row by row");

        TableResult rowByRow = validator(db, schemas, false, configs).run(() -> { }).tables().get(0);
        assertThat(rowByRow.samples()).isEqualTo(dirty.samples());
        assertThat(rowByRow.detail()).isEmpty();
    }

    private static Row key(long id) {
        return Row.builder().put("item_id", F.numberNode(id)).build();
    }
}
