package io.ferry.capture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.core.event.ChangeEvent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;

/**
 * A table of column → (source type, SQL literal, expected canonical JSON) for the type ITs: builds the
 * DDL and the insert, and checks every captured row against it, reporting all mismatches at once.
 */
final class TypeMatrix {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<String, String[]> columns = new LinkedHashMap<>();

    TypeMatrix col(String name, String type, String literal, String expected) {
        columns.put(name, new String[] {type, literal, expected});
        return this;
    }

    String createTable(String keyType) {
        StringBuilder ddl = new StringBuilder("CREATE TABLE types (id " + keyType + " PRIMARY KEY");
        columns.forEach((name, spec) -> ddl.append(", ").append(name).append(' ').append(spec[0]));
        return ddl.append(")").toString();
    }

    String insertRow() {
        return insertRow(1);
    }

    String insertRow(int id) {
        StringBuilder insert = new StringBuilder("INSERT INTO types VALUES (" + id);
        columns.forEach((name, spec) -> insert.append(", ").append(spec[1]));
        return insert.append(")").toString();
    }

    /** Checks each row; in an update, {@code updatedColumn} is expected to hold {@code updatedJson}. */
    void assertRows(List<ChangeEvent.RowChange> rows, String updatedColumn, String updatedJson) {
        SoftAssertions soft = new SoftAssertions();
        for (ChangeEvent.RowChange e : rows) {
            Map<String, String> actual = new LinkedHashMap<>();
            e.after().asMap().forEach((k, v) -> actual.put(k, write(v)));
            columns.forEach((name, spec) -> {
                String expected = name.equals(updatedColumn) && e.op() == ChangeEvent.Op.UPDATE ? updatedJson : spec[2];
                soft.assertThat(actual.get(name)).as("%s %s (%s = %s)", e.op(), name, spec[0], spec[1]).isEqualTo(expected);
            });
        }
        soft.assertAll();
    }

    private static String write(JsonNode v) {
        try {
            return JSON.writeValueAsString(v);
        } catch (Exception ex) {
            throw new AssertionError(ex);
        }
    }
}
