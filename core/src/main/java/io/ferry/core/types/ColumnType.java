package io.ferry.core.types;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A column's canonical type with the details a target needs to create it: length, precision and
 * scale, the element type of an array, the labels of an enum, the source's own type name, and for a
 * nested document column (a sub-document or an array of documents, built by a mapping) the types of its
 * fields. A nested document column is JSON to a target that stores it as text.
 *
 * @param length characters, bytes or bits where declared; null otherwise
 * @param precision decimal digits where declared; null for unbounded numeric
 * @param scale fractional decimal digits where declared; null when the source keeps each value's own
 * @param elementType the element type of an ARRAY; null otherwise
 * @param labels the labels of an ENUM in declaration order; empty otherwise
 * @param sourceType the source's type name as declared (e.g. {@code varchar}, {@code bigint unsigned});
 *     {@code document} or {@code document[]} for a nested document column
 * @param document for a nested document column (kind JSON), what it holds; null for every other column
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ColumnType(CanonicalType kind, Integer length, Integer precision, Integer scale,
        ColumnType elementType, List<String> labels, String sourceType, DocumentShape document) {

    public ColumnType {
        Objects.requireNonNull(kind, "kind");
        labels = labels == null ? List.of() : List.copyOf(labels);
        if (kind == CanonicalType.ARRAY && elementType == null) {
            throw new IllegalArgumentException("an ARRAY column type needs an element type");
        }
        if (document != null && kind != CanonicalType.JSON) {
            throw new IllegalArgumentException("a nested document column is JSON, not " + kind);
        }
    }

    public static ColumnType of(CanonicalType kind) {
        return new ColumnType(kind, null, null, null, null, List.of(), null, null);
    }

    public static ColumnType decimal(Integer precision, Integer scale) {
        return new ColumnType(CanonicalType.DECIMAL, null, precision, scale, null, List.of(), null, null);
    }

    public static ColumnType arrayOf(ColumnType element) {
        return new ColumnType(CanonicalType.ARRAY, null, null, null, element, List.of(), null, null);
    }

    public static ColumnType enumOf(List<String> labels) {
        return new ColumnType(CanonicalType.ENUM, null, null, null, null, labels, null, null);
    }

    /** A sub-document with these fields (name to type, in document order; a field left out has no known type). */
    public static ColumnType document(Map<String, ColumnType> fields) {
        return new ColumnType(CanonicalType.JSON, null, null, null, null, List.of(), "document", new DocumentShape(false, fields));
    }

    /** An array of documents, each with these fields (name to type, in document order). */
    public static ColumnType documentArray(Map<String, ColumnType> elementFields) {
        return new ColumnType(CanonicalType.JSON, null, null, null, null, List.of(), "document[]", new DocumentShape(true, elementFields));
    }

    public ColumnType withLength(int length) {
        return new ColumnType(kind, length, precision, scale, elementType, labels, sourceType, document);
    }

    public ColumnType withSourceType(String sourceType) {
        return new ColumnType(kind, length, precision, scale, elementType, labels, sourceType, document);
    }
}
