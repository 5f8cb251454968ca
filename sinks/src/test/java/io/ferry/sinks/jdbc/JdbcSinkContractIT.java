package io.ferry.sinks.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.core.event.Row;
import io.ferry.core.spi.RowReader;
import io.ferry.core.spi.SinkWriteException;
import io.ferry.sinks.SinkContractIT;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The JDBC sinks' contract: every sink's, and a column absent from an upsert's row is left as it is. */
abstract class JdbcSinkContractIT extends SinkContractIT {

    /** An update whose unchanged TOAST value PostgreSQL did not log reaches the sink without that column. */
    @Test
    void anUpsertWithoutAColumnLeavesItAsItIsBesideWholeRowsInTheSameBatch() throws Exception {
        String t = people();
        sink.write(List.of(upsert(t, row("id", 1, "name", "Ada", "city", "London")), upsert(t, row("id", 2, "name", "Grace", "city", "Arlington"))));
        Row partial = Row.builder().put("id", F.numberNode(1L)).put("name", F.textNode("Ada L.")).build();
        sink.write(List.of(upsert(t, row("id", 2, "name", "Grace H.", "city", null)), upsert(t, partial),
                upsert(t, row("id", 3, "name", "Edsger", "city", "Nuenen"))));
        assertThat(readAll(t)).containsExactlyInAnyOrder(row("id", 1, "name", "Ada L.", "city", "London"),
                row("id", 2, "name", "Grace H.", "city", null), row("id", 3, "name", "Edsger", "city", "Nuenen"));
    }

    /** Validation reads the source through this reader, and asks first whether a shard a pattern matched is still there. */
    @Test
    void aTableIsThereOnlyWhenTheDatabaseHasIt() throws Exception {
        String t = people();
        sink.write(List.of(upsert(t, row("id", 1, "name", "Ada", "city", "London"))));
        assertThat(((RowReader) sink).exists(t)).isTrue();
        assertThat(((RowReader) sink).exists(t + "_dropped")).isFalse();
    }

    /** Validation asks the source whether a table capture has published no schema of (it does with a first row) has rows. */
    @Test
    void aTableHasRowsWhetherItsShapeIsKnownOrNot() throws Exception {
        String t = people();
        sink.write(List.of(upsert(t, row("id", 1, "name", "Ada", "city", "London"))));
        assertThat(((RowReader) sink).hasRows(t)).isTrue();
        sink.write(List.of(delete(t, 1)));
        assertThat(((RowReader) sink).hasRows(t)).isFalse();
        assertThatThrownBy(() -> ((RowReader) sink).hasRows(t + "_dropped")).isInstanceOf(SinkWriteException.class)
                .hasMessageContaining(t + "_dropped");
    }
}
