package io.ferry.core.types;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a nested document column holds: one sub-document, or an array of documents, and the types of the
 * document's fields (an array's: each element's), in document order. A field missing here has no known
 * type; a document target then stores its value in its canonical JSON shape.
 *
 * <p>Two shapes are equal when they hold the same fields with the same types, in any order.
 *
 * @param array true for an array of documents, false for a single sub-document
 * @param fields field name to type, in document order; never null
 */
public record DocumentShape(boolean array, Map<String, ColumnType> fields) {

    public DocumentShape {
        Map<String, ColumnType> copy = new LinkedHashMap<>();
        if (fields != null) {
            fields.forEach((name, type) -> copy.put(Objects.requireNonNull(name, "field name"),
                    Objects.requireNonNull(type, () -> "type of field " + name)));
        }
        fields = Collections.unmodifiableMap(copy);
    }
}
