package io.ferry.core.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Test;

class RowTest {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    @Test
    void aBuilderUsedAgainAfterBuildNeverChangesTheRowItBuilt() {
        Row.Builder b = Row.builder().put("id", F.numberNode(1));
        Row first = b.build();
        Row second = b.put("name", F.textNode("x")).put("id", F.numberNode(2)).build();
        Row third = b.put("extra", F.nullNode()).build();

        assertThat(first.asMap()).containsExactly(java.util.Map.entry("id", F.numberNode(1L)));
        assertThat(second.columns()).containsExactly("id", "name");
        assertThat(second.get("id")).isEqualTo(F.numberNode(2L));
        assertThat(third.columns()).containsExactly("id", "name", "extra");
        assertThat(second.has("extra")).isFalse();
    }
}
