package io.ferry.capture.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.ferry.core.event.Row;
import io.ferry.core.schema.Column;
import io.ferry.core.schema.TableSchema;
import io.ferry.core.types.CanonicalType;
import io.ferry.core.types.CanonicalValues;
import io.ferry.core.types.ColumnType;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Reads some columns of one PostgreSQL row by its primary key, into the canonical values capture publishes for them
 * (docs/types.md): what the log leaves out of the create half of a primary-key change. Each key value is bound as its
 * canonical text with no declared type, so PostgreSQL takes it as a literal of the key column's type (a bytea key as
 * its hex input). Each column is read as text PostgreSQL prints (arrays as JSON) and decoded through the canonical
 * codec, as the log's text is.
 */
final class PostgresRowReads {

    private static final ObjectMapper JSON = new ObjectMapper();

    private PostgresRowReads() {
    }

    /**
     * Whether a row can be looked up by this key column's canonical text. Not an array or a document (their literals
     * differ), a {@code timetz} (canonically moved to UTC, and PostgreSQL's equality compares the zone too), or
     * {@code money} (its input follows {@code lc_monetary}).
     */
    static boolean keyable(ColumnType type) {
        return switch (type.kind()) {
            case ARRAY, TIMETZ, MONEY -> false;
            default -> type.document() == null;
        };
    }

    static Optional<Row> read(Connection c, TableSchema schema, Row key, List<Column> columns) throws SQLException {
        List<String> select = new ArrayList<>();
        for (Column column : columns) {
            select.add(expression(column));
        }
        List<String> where = new ArrayList<>();
        for (String k : schema.primaryKey()) {
            where.add(quote(k) + " = ?");
        }
        String sql = "SELECT " + String.join(", ", select) + " FROM " + quote(schema.table().namespace()) + "."
                + quote(schema.table().name()) + " WHERE " + String.join(" AND ", where);
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            for (String k : schema.primaryKey()) {
                ColumnType type = schema.column(k).orElseThrow().type();
                ps.setObject(i++, literal(type, key.get(k)), Types.OTHER);
            }
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                Row.Builder row = Row.builder();
                for (int at = 0; at < columns.size(); at++) {
                    row.put(columns.get(at).name(), value(rs, at + 1, columns.get(at).type()));
                }
                return Optional.of(row.build());
            }
        }
    }

    /** A key value as PostgreSQL's input text for its column: the canonical text, but bytes as hex (canonically base64). */
    static String literal(ColumnType type, JsonNode value) {
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("a primary key value is missing");
        }
        if (type.kind() == CanonicalType.BYTES) {
            return "\\x" + HexFormat.of().formatHex(Base64.getDecoder().decode(value.textValue()));
        }
        return value.isTextual() ? value.textValue() : value.toString();
    }

    /**
     * The select expression of a column: arrays as JSON (JSON arrays' elements as their text, bytea arrays' as base64, as
     * the canonical form has them), every other column as itself.
     */
    static String expression(Column column) {
        String c = quote(column.name());
        if (column.type().kind() != CanonicalType.ARRAY) {
            return c;
        }
        return switch (innermost(column.type()).kind()) {
            case BYTES -> "CASE WHEN " + c + " IS NULL THEN NULL ELSE COALESCE((SELECT json_agg(translate(encode(e, 'base64'), E'\\n', '')"
                    + " ORDER BY n) FROM unnest(" + c + ") WITH ORDINALITY AS u(e, n)), '[]')::text END";
            case JSON -> "array_to_json(" + c + "::text[])::text";
            default -> "array_to_json(" + c + ")::text";
        };
    }

    private static JsonNode value(ResultSet rs, int index, ColumnType type) throws SQLException {
        if (type.kind() == CanonicalType.BYTES) {
            byte[] bytes = rs.getBytes(index);
            return bytes == null ? JsonNodeFactory.instance.nullNode() : CanonicalValues.encode(type, bytes);
        }
        String text = rs.getString(index);
        if (text == null) {
            return JsonNodeFactory.instance.nullNode();
        }
        JsonNode node;
        try {
            node = type.kind() == CanonicalType.ARRAY ? JSON.readTree(text) : JsonNodeFactory.instance.textNode(text);
        } catch (IOException e) {
            throw new SQLException("PostgreSQL printed an array that is not JSON: " + text, e);
        }
        return CanonicalValues.encode(type, CanonicalValues.decode(type, node));
    }

    private static ColumnType innermost(ColumnType type) {
        return type.kind() == CanonicalType.ARRAY ? innermost(type.elementType()) : type;
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
