package io.ferry.core.types;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Converts one canonical type between Java values and its canonical JSON form, and compares two
 * canonical values. Implementations are stateless and thread-safe. Nulls never reach them:
 * {@link CanonicalValues} handles SQL NULL (JSON null) for every type.
 */
public interface ValueCodec {

    CanonicalType type();

    /**
     * The canonical JSON form of a Java value as capture produces it.
     *
     * @throws IllegalArgumentException when the value has the wrong Java type or is out of range; the
     *     message says what was expected
     */
    JsonNode encode(Object value);

    /**
     * The Java value a sink writes: e.g. {@code BigDecimal}, {@code LocalDateTime}, {@code Instant},
     * {@code byte[]}. PostgreSQL infinities decode to the {@code MAX}/{@code MIN} constants of the
     * java.time type, which the PostgreSQL driver writes as {@code infinity}.
     *
     * @throws IllegalArgumentException when the node is not this type's canonical form
     */
    Object decode(JsonNode node);

    /** Whether two non-null canonical values are the same within the tolerance. */
    default boolean same(JsonNode a, JsonNode b, Tolerance tolerance) {
        return a.equals(b);
    }
}
