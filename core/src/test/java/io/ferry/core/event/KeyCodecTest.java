package io.ferry.core.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.ferry.core.types.CanonicalType;
import io.ferry.core.types.CanonicalValues;
import io.ferry.core.types.ColumnType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeyCodecTest {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    @Test
    void keyIsCompactJsonInKeyOrder() {
        Row row = Row.builder().put("name", F.textNode("x")).put("b", F.numberNode(2)).put("a", F.textNode("é")).build();
        assertThat(new String(KeyCodec.encode(List.of("a", "b"), row), StandardCharsets.UTF_8))
                .isEqualTo("{\"a\":\"é\",\"b\":2}");
    }

    @Test
    void equalKeysAreEqualBytesWhateverTheNumberClassOrColumnOrder() {
        ColumnType int64 = ColumnType.of(CanonicalType.INT64);
        Map<String, com.fasterxml.jackson.databind.JsonNode> m1 = new LinkedHashMap<>();
        m1.put("tenant", F.textNode("acme"));
        m1.put("id", F.numberNode(7));
        Map<String, com.fasterxml.jackson.databind.JsonNode> m2 = new LinkedHashMap<>();
        m2.put("id", CanonicalValues.encode(int64, BigInteger.valueOf(7)));
        m2.put("tenant", F.textNode("acme"));
        Map<String, com.fasterxml.jackson.databind.JsonNode> m3 = Map.of("id", F.numberNode(new BigDecimal("7")),
                "tenant", F.textNode("acme"));
        List<String> key = List.of("tenant", "id");
        byte[] k1 = KeyCodec.encode(key, Row.of(m1));
        assertThat(KeyCodec.encode(key, Row.of(m2))).isEqualTo(k1);
        assertThat(KeyCodec.encode(key, Row.of(Map.of("id", F.numberNode(7L), "tenant", F.textNode("acme"))))).isEqualTo(k1);
        assertThat(KeyCodec.encode(KeyCodec.decode(k1))).isEqualTo(k1);
        // a decimal-typed JSON number 7 is written as the integer it equals... but 7.5 is not 7
        assertThat(KeyCodec.encode(key, Row.of(m3))).isNotEqualTo(KeyCodec.encode(List.of("tenant", "id"),
                Row.of(Map.of("id", F.numberNode(new BigDecimal("7.5")), "tenant", F.textNode("acme")))));
    }

    @Test
    void unsignedBigintBeyondLongKeepsItsDigits() {
        Row key = Row.builder().put("id", F.numberNode(new BigInteger("18446744073709551615"))).build();
        assertThat(new String(KeyCodec.encode(key), StandardCharsets.UTF_8)).isEqualTo("{\"id\":18446744073709551615}");
    }

    @Test
    void missingKeyColumnIsNamed() {
        Row row = Row.builder().put("a", F.numberNode(1)).build();
        assertThatThrownBy(() -> KeyCodec.encode(List.of("a", "b"), row))
                .hasMessageContaining("key column 'b' is missing");
    }
}
