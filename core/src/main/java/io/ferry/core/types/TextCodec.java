package io.ferry.core.types;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/**
 * STRING, ENUM and INET: JSON strings as the source gives them. INET compares case-insensitively and a host's own prefix
 * ({@code /32}, {@code /128}) as absent: a {@code cidr} {@code 10.1.2.3/32} is stored in an {@code inet} column, which
 * prints it as {@code 10.1.2.3}.
 */
final class TextCodec implements ValueCodec {

    private final CanonicalType type;

    TextCodec(CanonicalType type) {
        this.type = type;
    }

    @Override
    public CanonicalType type() {
        return type;
    }

    @Override
    public JsonNode encode(Object value) {
        if (value instanceof CharSequence || value instanceof Enum<?>) {
            return Codecs.NODES.textNode(value.toString());
        }
        throw Codecs.wrongJava(type, value, "String");
    }

    @Override
    public Object decode(JsonNode node) {
        return Codecs.text(type, node);
    }

    @Override
    public boolean same(JsonNode a, JsonNode b, Tolerance tolerance) {
        if (type == CanonicalType.INET && a.isTextual() && b.isTextual()) {
            return host(a.textValue()).equals(host(b.textValue()));
        }
        return a.equals(b);
    }

    /** An address in lower case, without the prefix that makes it one host. */
    private static String host(String inet) {
        String s = inet.toLowerCase(Locale.ROOT);
        boolean v6 = s.indexOf(':') >= 0;
        String whole = v6 ? "/128" : "/32";
        return s.endsWith(whole) ? s.substring(0, s.length() - whole.length()) : s;
    }
}
