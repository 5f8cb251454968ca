package io.ferry.sinks.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.core.event.Row;
import io.ferry.core.event.SourceInfo;
import io.ferry.core.event.TargetEvent;
import io.ferry.core.schema.Column;
import io.ferry.core.spi.KeyRange;
import io.ferry.core.spi.RowReader;
import io.ferry.core.spi.Sink;
import io.ferry.core.spi.SinkFactory;
import io.ferry.core.spi.SinkWriteException;
import io.ferry.core.spi.TargetTable;
import io.ferry.core.types.CanonicalType;
import io.ferry.core.types.ColumnType;
import io.ferry.core.types.Tolerance;
import io.ferry.devstack.CassandraService;
import io.ferry.devstack.Service;
import io.ferry.devstack.junit.WithServices;
import io.ferry.sinks.SinkContractIT;
import io.ferry.sinks.SinkOptionsFixture;
import io.ferry.sinks.runtime.RuntimeSinkContext;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@WithServices(Service.CASSANDRA)
class CassandraSinkIT extends SinkContractIT {

    private static CassandraService cassandra;

    @BeforeAll
    static void server(CassandraService c) {
        cassandra = c;
    }

    @Override
    protected SinkFactory factory() {
        return new CassandraSinkFactory();
    }

    @Override
    protected String options() {
        return "contact_points: [" + cassandra.host() + ":" + cassandra.port() + "]\nlocal_datacenter: " + cassandra.localDatacenter()
                + "\nkeyspace: contract\nreplication_factor: 1\n";
    }

    /** The contract's array holds a null element, which a Cassandra list cannot. */
    @Override
    protected List<CanonicalType> notCarried() {
        return List.of(CanonicalType.ARRAY);
    }

    @Override
    protected Tolerance tolerance() {
        return Tolerance.timePrecision(ChronoUnit.MILLIS);
    }

    @Override
    protected Column poisonColumn() {
        return new Column("amount", ColumnType.decimal(null, null), true);
    }

    @Override
    protected JsonNode poisonValue() {
        return F.textNode("NaN");
    }

    @Test
    void aReplayedOlderChangeNeverOverwritesANewerOneAndADeleteAndReinsertDoNotTie() throws Exception {
        TargetTable t = TargetTable.keyed("replay_order", List.of(new Column("id", ColumnType.of(CanonicalType.INT64), false),
                new Column("v", ColumnType.of(CanonicalType.STRING), true)), List.of("id"));
        try (Sink sink = factory().create(new RuntimeSinkContext("contract", "replay", SinkOptionsFixture.bind(factory(), options()),
                () -> Map.of("replay_order", t)))) {
            Row key = Row.builder().put("id", F.numberNode(1)).build();
            // MariaDB-like: both commits in the same second; capture's stamps still order them
            SourceInfo older = new SourceInfo("src", "f:1", 1, "1", 0, 1_700_000_000_000_000L, false, 1_700_000_000_000_000L);
            SourceInfo newer = new SourceInfo("src", "f:2", 2, "2", 0, 1_700_000_000_000_000L, false, 1_700_000_000_000_001L);
            sink.write(List.of(new TargetEvent.Upsert(t.name(), key, key.with("v", F.textNode("new")), newer)));
            sink.write(List.of(new TargetEvent.Upsert(t.name(), key, key.with("v", F.textNode("old")), older)));
            assertThat(read(sink, t)).extracting(r -> r.get("v").asText()).containsExactly("new");

            // one transaction deletes and re-inserts the key: same commit time, txSeq 0 then 1, replayed in reverse
            SourceInfo delete = new SourceInfo("src", "0/3", 3, "3", 0, 1_700_000_001_000_000L, false);
            SourceInfo reinsert = new SourceInfo("src", "0/4", 4, "3", 1, 1_700_000_001_000_000L, false);
            sink.write(List.of(new TargetEvent.Upsert(t.name(), key, key.with("v", F.textNode("again")), reinsert)));
            sink.write(List.of(new TargetEvent.Delete(t.name(), key, delete)));
            assertThat(read(sink, t)).extracting(r -> r.get("v").asText()).containsExactly("again");
        }
    }

    @Test
    void anUnreachableContactPointIsNamedWithTheSettingAndEachNodesError() throws Exception {
        int closed;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = free.getLocalPort();
        }
        String unreachable = "contact_points: [127.0.0.1:" + closed + "]\nlocal_datacenter: " + cassandra.localDatacenter()
                + "\nkeyspace: contract\nreplication_factor: 1\n";
        assertThatThrownBy(() -> factory().create(new RuntimeSinkContext("contract", "nowhere",
                SinkOptionsFixture.bind(factory(), unreachable), Map::of)))
                // not an IllegalStateException, which would stop a sink for good: a bulk copy tries again after a pause
                .isInstanceOf(CassandraSinkFactory.CassandraUnreachableException.class)
                .isNotInstanceOf(IllegalStateException.class)
                .hasMessageContaining("sink nowhere: cannot reach Cassandra at contact_points [127.0.0.1:" + closed + "]")
                // the node's own error: on a refused connection the driver says it could not send its first request
                .hasMessageContaining("/127.0.0.1:" + closed + ": ConnectionInitException")
                .hasMessageContaining("check that the nodes are up");
    }

    @Test
    void aDeleteOfAKeyCassandraCannotHoldRemovesNothingAndIsNoDeadLetter() throws Exception {
        TargetTable t = TargetTable.keyed("unholdable_keys", List.of(new Column("day", ColumnType.of(CanonicalType.DATE), false),
                new Column("id", ColumnType.of(CanonicalType.INT64), false), new Column("v", ColumnType.of(CanonicalType.STRING), true)),
                List.of("day", "id"));
        try (Sink sink = factory().create(new RuntimeSinkContext("contract", "unholdable", SinkOptionsFixture.bind(factory(), options()),
                () -> Map.of("unholdable_keys", t)))) {
            Row kept = Row.builder().put("day", F.textNode("2024-03-15")).put("id", F.numberNode(1)).build();
            Row infinite = Row.builder().put("day", F.textNode("infinity")).put("id", F.numberNode(2)).build();
            SourceInfo first = new SourceInfo("src", "0/1", 1, "1", 0, 1_700_000_000_000_000L, false, 1_700_000_000_000_000L);
            SourceInfo later = new SourceInfo("src", "0/2", 2, "2", 0, 1_700_000_000_000_001L, false, 1_700_000_000_000_001L);
            sink.write(List.of(new TargetEvent.Upsert(t.name(), kept, kept.with("v", F.textNode("x")), first)));
            // the poisoned row: refused, so no row in Cassandra has its key
            assertThatThrownBy(() -> sink.write(List.of(new TargetEvent.Upsert(t.name(), infinite, infinite.with("v", F.textNode("y")),
                    first)))).isInstanceOf(SinkWriteException.class).hasMessageContaining("cannot hold");
            // the source row repaired (its key changes) or deleted: the delete of the old key has nothing to remove
            sink.write(List.of(new TargetEvent.Delete(t.name(), infinite, later)));
            assertThat(read(sink, t)).extracting(r -> r.get("id").asLong()).containsExactly(1L);
            // a delete of a key it can hold, in a batch with one it cannot, still deletes
            sink.write(List.of(new TargetEvent.Delete(t.name(), infinite, later), new TargetEvent.Delete(t.name(), kept, later)));
            assertThat(read(sink, t)).isEmpty();
        }
    }

    @Test
    void aColumnWhoseSourceWasWidenedTakesTheValuesItHoldsAndRefusesTheOthersAndIntervalsBeyondADurationAreRefused() throws Exception {
        TargetTable narrow = TargetTable.keyed("widened", List.of(new Column("id", ColumnType.of(CanonicalType.INT64), false),
                new Column("n", ColumnType.of(CanonicalType.INT32), true), new Column("span", ColumnType.of(CanonicalType.INTERVAL), true)),
                List.of("id"));
        TargetTable wide = TargetTable.keyed("widened", List.of(new Column("id", ColumnType.of(CanonicalType.INT64), false),
                new Column("n", ColumnType.of(CanonicalType.INT64), true), new Column("span", ColumnType.of(CanonicalType.INTERVAL), true)),
                List.of("id"));
        java.util.concurrent.atomic.AtomicReference<TargetTable> shape = new java.util.concurrent.atomic.AtomicReference<>(narrow);
        try (Sink sink = factory().create(new RuntimeSinkContext("contract", "widened", SinkOptionsFixture.bind(factory(), options()),
                () -> Map.of("widened", shape.get())))) {
            SourceInfo at = new SourceInfo("src", "0/1", 1, "1", 0, 1_700_000_000_000_000L, false, 1_700_000_000_000_000L);
            sink.write(List.of(upsert(narrow, 1, 5)));
            // the source's integer became a bigint: Cassandra cannot change the column's type
            shape.set(wide);
            sink.write(List.of(upsert(wide, 2, 7)));
            assertThatThrownBy(() -> sink.write(List.of(upsert(wide, 3, 9_000_000_000L))))
                    .isInstanceOf(SinkWriteException.class).hasMessageContaining("n: the Cassandra column is an int, which cannot hold 9000000000");
            // 3,000,000 hours: PostgreSQL holds it, a Cassandra duration's nanoseconds do not (it held the stream, retried)
            Row key = Row.builder().put("id", F.numberNode(4)).build();
            assertThatThrownBy(() -> sink.write(List.of(new TargetEvent.Upsert(wide.name(), key, key.with("span",
                    F.textNode("PT3000000H")), at)))).isInstanceOf(SinkWriteException.class).hasMessageContaining("cannot hold");
            shape.set(narrow);
            assertThat(read(sink, narrow)).extracting(r -> r.get("id").asLong() + ":" + r.get("n").asLong()).containsExactlyInAnyOrder("1:5", "2:7");
        }
    }

    /**
     * A table change Cassandra refuses stops the sink naming the table and the fix, as the SQL sinks do: it was retried for
     * ever. Here the target once had the column with another type and dropped it, and Cassandra will not add it again.
     */
    @Test
    void aColumnCassandraWillNotAddStopsTheSinkNamingTheTableAndTheFix() throws Exception {
        TargetTable t = TargetTable.keyed("readded", List.of(new Column("id", ColumnType.of(CanonicalType.INT64), false),
                new Column("n", ColumnType.of(CanonicalType.INT32), true)), List.of("id"));
        try (Sink sink = factory().create(new RuntimeSinkContext("contract", "readded", SinkOptionsFixture.bind(factory(), options()),
                () -> Map.of("readded", t)));
                com.datastax.oss.driver.api.core.CqlSession cql = com.datastax.oss.driver.api.core.CqlSession.builder()
                        .addContactPoint(new java.net.InetSocketAddress(cassandra.host(), cassandra.port()))
                        .withLocalDatacenter(cassandra.localDatacenter()).build()) {
            cql.execute("CREATE KEYSPACE IF NOT EXISTS contract WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
            cql.execute("DROP TABLE IF EXISTS contract.readded");
            cql.execute("CREATE TABLE contract.readded (id bigint PRIMARY KEY, n text)");
            cql.execute("ALTER TABLE contract.readded DROP n");
            assertThatThrownBy(() -> sink.write(List.of(upsert(t, 1, 5)))).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("contract.readded").hasMessageContaining("dropped earlier with another type");

            // a column dropped underneath a running sink: the write is retried, the table checked (and the column added) again
            cql.execute("DROP TABLE contract.readded");
            sink.write(List.of(upsert(t, 1, 5)));
            cql.execute("ALTER TABLE contract.readded DROP n");
            // written after the drop (Cassandra hides a re-added column's cells written before it)
            long nowUs = java.time.Instant.now().toEpochMilli() * 1000 + 1_000_000;
            Row key = Row.builder().put("id", F.numberNode(2)).build();
            TargetEvent later = new TargetEvent.Upsert(t.name(), key, key.with("n", F.numberNode(6)),
                    new SourceInfo("src", "0/9", 9, "9", 0, nowUs, false, nowUs));
            assertThatThrownBy(() -> sink.write(List.of(later))).isInstanceOf(SinkWriteException.class)
                    .matches(e -> ((SinkWriteException) e).retryable(), "retryable");
            sink.write(List.of(later));
            assertThat(read(sink, t)).extracting(r -> r.get("id").asLong() + ":" + r.get("n")).containsExactlyInAnyOrder("1:null", "2:6");
        }
    }

    /** A list written again at the same timestamp (a batch retried, a replay after a crash) keeps its elements once. */
    @Test
    void aListWrittenTwiceKeepsItsElementsOnce() throws Exception {
        TargetTable t = TargetTable.keyed("tagged", List.of(new Column("id", ColumnType.of(CanonicalType.INT64), false),
                new Column("tags", ColumnType.arrayOf(ColumnType.of(CanonicalType.STRING)), true)), List.of("id"));
        try (Sink sink = factory().create(new RuntimeSinkContext("contract", "tagged", SinkOptionsFixture.bind(factory(), options()),
                () -> Map.of("tagged", t)))) {
            Row key = Row.builder().put("id", F.numberNode(1)).build();
            TargetEvent e = new TargetEvent.Upsert(t.name(), key, key.with("tags", F.arrayNode().add("a").add("b")),
                    new SourceInfo("src", "0/1", 1, "1", 0, 1_700_000_000_000_000L, false, 1_700_000_000_000_000L));
            sink.write(List.of(e));
            sink.write(List.of(e));
            assertThat(read(sink, t)).singleElement().satisfies(r -> assertThat(r.get("tags")).isEqualTo(F.arrayNode().add("a").add("b")));
        }
    }

    private static TargetEvent upsert(TargetTable t, long id, long n) {
        Row key = Row.builder().put("id", F.numberNode(id)).build();
        return new TargetEvent.Upsert(t.name(), key, key.with("n", F.numberNode(n)), new SourceInfo("src", "0/" + id, id, String.valueOf(id), 0,
                1_700_000_000_000_000L + id, false, 1_700_000_000_000_000L + id));
    }

    private static List<Row> read(Sink sink, TargetTable t) throws Exception {
        List<Row> rows = new ArrayList<>();
        ((RowReader) sink).read(t.name(), KeyRange.ALL, rows::add);
        return rows;
    }
}
