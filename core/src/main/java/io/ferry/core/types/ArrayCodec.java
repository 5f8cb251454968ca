package io.ferry.core.types;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** ARRAY: a JSON array of the element type's canonical values; decodes to a {@code List}. */
final class ArrayCodec implements ValueCodec {

    private final ColumnType elementType;

    ArrayCodec(ColumnType elementType) {
        this.elementType = elementType;
    }

    @Override
    public CanonicalType type() {
        return CanonicalType.ARRAY;
    }

    @Override
    public JsonNode encode(Object value) {
        List<?> elements;
        if (value instanceof List<?> l) {
            elements = l;
        } else if (value instanceof Object[] a) {
            elements = Arrays.asList(a);
        } else {
            throw Codecs.wrongJava(type(), value, "List or Object[] of " + elementType);
        }
        ArrayNode out = Codecs.NODES.arrayNode(elements.size());
        for (Object e : elements) {
            out.add(CanonicalValues.encode(elementType, e));
        }
        return out;
    }

    @Override
    public Object decode(JsonNode node) {
        if (!node.isArray()) {
            throw Codecs.wrongJson(type(), node);
        }
        List<Object> out = new ArrayList<>(node.size());
        for (JsonNode e : node) {
            out.add(CanonicalValues.decode(elementType, e));
        }
        return out;
    }

    @Override
    public boolean same(JsonNode a, JsonNode b, Tolerance tolerance) {
        if (!a.isArray() || !b.isArray() || a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!CanonicalValues.same(elementType, a.get(i), b.get(i), tolerance)) {
                return false;
            }
        }
        return true;
    }
}
