package io.ferry.capture.source;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.core.event.TableId;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SnapshotSignalsTest {

    @Test
    void manyTablesAreAskedForInSeveralSignalsEachFittingTheColumn() throws Exception {
        List<TableId> tables = IntStream.range(0, 120).mapToObj(i -> new TableId("shop", "orders_shard_" + i)).toList();
        List<String> signals = SourceDialect.snapshotSignals(tables, SourceDialect.SIGNAL_DATA);

        assertThat(signals).hasSizeGreaterThan(1).allSatisfy(s -> assertThat(s.length()).isLessThanOrEqualTo(SourceDialect.SIGNAL_DATA));
        List<String> asked = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String s : signals) {
            var node = json.readTree(s);
            assertThat(node.get("type").asText()).isEqualTo("incremental");
            node.get("data-collections").forEach(n -> asked.add(n.asText()));
        }
        assertThat(asked).as("every table once, in order").containsExactlyElementsOf(tables.stream().map(TableId::toString).toList());
    }

    @Test
    void aFewTablesAreOneSignalAndQuotesInNamesStayJson() throws Exception {
        List<String> signals = SourceDialect.snapshotSignals(List.of(new TableId("public", "a\"b"), new TableId("public", "c")), 2048);
        assertThat(signals).singleElement();
        assertThat(new ObjectMapper().readTree(signals.get(0)).get("data-collections").get(0).asText()).isEqualTo("public.a\"b");
    }

    @Test
    void aNameWithRegularExpressionCharactersMatchesItselfOnlyAndAPlainNameStaysLiteral() throws Exception {
        assertThat(SourceDialect.dataCollection(new TableId("shop", "order$items"))).isEqualTo("shop.order$items");
        String asked = new ObjectMapper().readTree(SourceDialect.snapshotSignals(List.of(new TableId("public", "a+b")), 2048).get(0))
                .get("data-collections").get(0).asText();
        // as Debezium matches a data-collections entry against its table ids
        assertThat(java.util.regex.Pattern.compile(asked).matcher("public.a+b").matches()).isTrue();
        assertThat(java.util.regex.Pattern.compile(asked).matcher("public.aab").matches()).isFalse();
        assertThat(java.util.regex.Pattern.compile(asked).matcher("publicXa+b").matches()).isFalse();
    }
}
