package io.ferry.core.types;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Objects;

/**
 * A column's canonical type with the details a target needs to create it: length, precision and
 * scale, the element type of an array, the labels of an enum, and the source's own type name.
 *
 * @param length characters, bytes or bits where declared; null otherwise
 * @param precision decimal digits where declared; null for unbounded numeric
 * @param scale fractional decimal digits where declared; null when the source keeps each value's own
 * @param elementType the element type of an ARRAY; null otherwise
 * @param labels the labels of an ENUM in declaration order; empty otherwise
 * @param sourceType the source's type name as declared (e.g. {@code varchar}, {@code bigint unsigned})
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ColumnType(CanonicalType kind, Integer length, Integer precision, Integer scale,
        ColumnType elementType, List<String> labels, String sourceType) {

    public ColumnType {
        Objects.requireNonNull(kind, "kind");
        labels = labels == null ? List.of() : List.copyOf(labels);
        if (kind == CanonicalType.ARRAY && elementType == null) {
            throw new IllegalArgumentException("an ARRAY column type needs an element type");
        }
    }

    public static ColumnType of(CanonicalType kind) {
        return new ColumnType(kind, null, null, null, null, List.of(), null);
    }

    public static ColumnType decimal(Integer precision, Integer scale) {
        return new ColumnType(CanonicalType.DECIMAL, null, precision, scale, null, List.of(), null);
    }

    public static ColumnType arrayOf(ColumnType element) {
        return new ColumnType(CanonicalType.ARRAY, null, null, null, element, List.of(), null);
    }

    public static ColumnType enumOf(List<String> labels) {
        return new ColumnType(CanonicalType.ENUM, null, null, null, null, labels, null);
    }

    public ColumnType withLength(int length) {
        return new ColumnType(kind, length, precision, scale, elementType, labels, sourceType);
    }

    public ColumnType withSourceType(String sourceType) {
        return new ColumnType(kind, length, precision, scale, elementType, labels, sourceType);
    }
}
