package io.ferry.validation.diff;

import io.ferry.core.config.Binder;
import io.ferry.core.config.ConfigNode;
import io.ferry.core.config.ConfigValues;
import io.ferry.core.config.Problems;
import io.ferry.core.config.Section;
import io.ferry.core.config.SourceSettings;
import io.ferry.core.event.Row;
import io.ferry.core.event.TableId;
import io.ferry.core.schema.TableSchema;
import io.ferry.core.spi.KeyRange;
import io.ferry.core.spi.RowReader;
import io.ferry.core.spi.Sink;
import io.ferry.core.spi.SinkFactories;
import io.ferry.core.spi.SinkFactory;
import io.ferry.core.spi.SinkWriteException;
import io.ferry.core.spi.TargetTable;
import io.ferry.sinks.runtime.RuntimeSinkContext;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reads source tables with JDBC, as canonical values equal to what capture emits (docs/types.md). It reuses the
 * relational sinks' {@link RowReader} pointed at the source database, one per namespace (PostgreSQL schema, MySQL
 * database), with a "target table" made from each source table's schema: that reader turns every column type into
 * its canonical form the same way capture does (checked by {@code SourceRowsIT}). Also what the sinks' bulk copies read.
 * Not thread-safe.
 */
public final class SourceRows implements AutoCloseable {

    private final String pipeline;
    private final SourceSettings source;
    private final Map<TableId, TableSchema> schemas;
    private final SinkFactories factories;
    private final Map<String, Sink> readers = new HashMap<>();
    private final Map<TableId, Boolean> present = new HashMap<>();
    private final Map<String, List<TableId>> listed = new HashMap<>();

    public SourceRows(String pipeline, SourceSettings source, Map<TableId, TableSchema> schemas, SinkFactories factories) {
        this.pipeline = pipeline;
        this.source = source;
        this.schemas = Map.copyOf(schemas);
        this.factories = factories;
    }

    /** The schema of a source table. @throws IllegalStateException when none is known */
    TableSchema schema(TableId table) {
        TableSchema schema = schemas.get(table);
        if (schema == null) {
            throw new IllegalStateException("no schema known for source table " + table + " (is it captured?)");
        }
        return schema;
    }

    /**
     * Whether a table is still in the source: a table a mapping's pattern matched when capture saw it may have been
     * dropped since (a retired shard); its schema stays known. Asked once per table and validation run.
     *
     * @throws SinkWriteException retryable when the source is unreachable
     */
    boolean exists(TableId table) throws SinkWriteException {
        Boolean known = present.get(table);
        if (known == null) {
            known = ((RowReader) reader(table.namespace())).exists(table.name());
            present.put(table, known);
        }
        return known;
    }

    /** The source's tables in one schema (database), partitions left out. Listed once per namespace and validation run. */
    List<TableId> tables(String namespace) throws SinkWriteException {
        List<TableId> known = listed.get(namespace);
        if (known == null) {
            known = ((RowReader) reader(namespace)).tableNames().stream().map(n -> new TableId(namespace, n)).toList();
            listed.put(namespace, known);
        }
        return known;
    }

    /**
     * Whether a source table has a row, its schema known or not.
     *
     * @throws SinkWriteException retryable when the source is unreachable or has no such table
     */
    boolean hasRows(TableId table) throws SinkWriteException {
        return ((RowReader) reader(table.namespace())).hasRows(table.name());
    }

    /**
     * Streams every row of a source table, ordered by primary key.
     *
     * @throws SinkWriteException retryable when the source is unreachable
     */
    public void read(TableId table, Consumer<Row> rows) throws SinkWriteException {
        read(table, KeyRange.ALL, rows);
    }

    /**
     * Streams the rows of a source table in a range of its primary key, ordered by it.
     *
     * @throws SinkWriteException retryable when the source is unreachable
     */
    void read(TableId table, KeyRange range, Consumer<Row> rows) throws SinkWriteException {
        schema(table);
        ((RowReader) reader(table.namespace())).read(table.name(), range, rows);
    }

    private Sink reader(String namespace) {
        return readers.computeIfAbsent(namespace, ns -> {
            String type = switch (source.type()) {
                case "postgres" -> "postgres";
                case "mysql" -> "mysql";
                case "mariadb" -> "mariadb";
                default -> throw new IllegalStateException("validation cannot read a source of type '" + source.type() + "'");
            };
            SinkFactory factory = factories.require(type);
            ConfigValues options = options(factory, ns);
            Sink sink = factory.create(new RuntimeSinkContext(pipeline, "validate-source", options, () -> tablesIn(ns)));
            if (!(sink instanceof RowReader)) {
                sink.close();
                throw new IllegalStateException("the " + type + " sink cannot read rows back, so it cannot read the source");
            }
            return sink;
        });
    }

    /** The source tables of one namespace, each as a table the JDBC reader can select from. */
    private Map<String, TargetTable> tablesIn(String namespace) {
        Map<String, TargetTable> out = new LinkedHashMap<>();
        for (TableSchema s : schemas.values()) {
            if (s.table().namespace().equals(namespace)) {
                out.put(s.table().name(), TargetTable.keyed(s.table().name(), s.columns(), s.primaryKey()));
            }
        }
        return out;
    }

    /** The JDBC sink's options for the source: its URL as capture builds it, the credentials, the namespace, no DDL. */
    private ConfigValues options(SinkFactory factory, String namespace) {
        String url = source.jdbcUrl();
        Map<String, ConfigNode> entries = new LinkedHashMap<>();
        entries.put("url", scalar("url", url, false));
        if (!source.user().isEmpty()) {
            entries.put("user", scalar("user", source.user(), false));
        }
        source.password().ifPresent(p -> entries.put("password", scalar("password", p.reveal(), true)));
        entries.put("schema", scalar("schema", namespace, false));
        entries.put("create_tables", scalar("create_tables", "false", false));
        Map<String, Integer> lines = new HashMap<>();
        entries.keySet().forEach(k -> lines.put(k, 1));
        Problems problems = new Problems("(validation source reader)");
        ConfigValues values = Binder.bind(new Section("source", factory.description(), true, factory.options(), List.of()),
                new ConfigNode.Mapping(entries, lines, "source", 1), "source", 1, Set.of(), problems);
        problems.throwIfAny();
        return values;
    }

    private static ConfigNode scalar(String key, String value, boolean secret) {
        return new ConfigNode.Scalar(value, secret, "source." + key, 1);
    }

    @Override
    public void close() {
        TargetSinks.closeAll(readers.values());
        readers.clear();
    }
}
