package io.ferry.sinks.cassandra;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.connection.ClosedConnectionException;
import com.datastax.oss.driver.api.core.connection.HeartbeatException;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import com.datastax.oss.driver.api.core.servererrors.UnauthorizedException;
import com.datastax.oss.driver.api.core.type.DataTypes;
import com.datastax.oss.driver.api.core.type.codec.CodecNotFoundException;
import java.net.InetSocketAddress;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/** Which Cassandra failures are retried, which are the table's, and which are the record's. */
class CassandraErrorsTest {

    @Test
    void aConnectionLostDuringANodesRestartIsRetriedNotDeadLettered() {
        assertThat(CassandraSink.transientError(new ClosedConnectionException("Lost connection to remote peer"))).isTrue();
        assertThat(CassandraSink.transientError(new HeartbeatException(new InetSocketAddress("127.0.0.1", 9042), "no answer", null)))
                .isTrue();
        // the record's: a value of another type than its column, a node's refusal of the query itself
        assertThat(CassandraSink.transientError(new CodecNotFoundException(DataTypes.INT, null))).isFalse();
        assertThat(CassandraSink.transientError(new InvalidQueryException(null, "Key may not be empty"))).isFalse();
    }

    /** Every node refusing the record (a mutation too large) is the record's; one node away among them is transient. */
    @Test
    void allNodesFailingIsTransientOnlyIfOneNodesFailureIs() {
        com.datastax.oss.driver.api.core.metadata.Node node = node();
        com.datastax.oss.driver.api.core.metadata.Node other = node();
        var tooLarge = new com.datastax.oss.driver.api.core.servererrors.ServerError(node, "Mutation of 17000000 bytes is too large");
        assertThat(CassandraSink.transientError(com.datastax.oss.driver.api.core.AllNodesFailedException.fromErrors(
                java.util.List.of(java.util.Map.entry(node, tooLarge), java.util.Map.entry(other, tooLarge))))).isFalse();
        assertThat(CassandraSink.transientError(com.datastax.oss.driver.api.core.AllNodesFailedException.fromErrors(
                java.util.List.of(java.util.Map.entry(node, tooLarge),
                        java.util.Map.entry(other, new ClosedConnectionException("Lost connection")))))).isTrue();
    }

    /** A node for the driver's exceptions to name: nothing of it is asked but its identity. */
    private static com.datastax.oss.driver.api.core.metadata.Node node() {
        return (com.datastax.oss.driver.api.core.metadata.Node) java.lang.reflect.Proxy.newProxyInstance(
                CassandraErrorsTest.class.getClassLoader(), new Class<?>[] {com.datastax.oss.driver.api.core.metadata.Node.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "node@" + System.identityHashCode(proxy);
                    default -> null;
                });
    }

    @Test
    void aPermissionMissingOrATableDroppedIsTheTablesNotTheRecords() {
        assertThat(CassandraSink.targetStateError(new UnauthorizedException(null, "User ferry has no MODIFY permission"))).isTrue();
        assertThat(CassandraSink.targetStateError(new InvalidQueryException(null, "unconfigured table widened"))).isTrue();
        assertThat(CassandraSink.targetStateError(new InvalidQueryException(null, "Undefined column name note in table t"))).isTrue();
        assertThat(CassandraSink.targetStateError(new InvalidQueryException(null, "Key may not be empty"))).isFalse();
    }

    @Test
    void aValueTakesTheColumnsOwnTypeWhenItHoldsIt() {
        assertThat(CassandraTypes.toColumnType("n", DataTypes.INT, 7L)).isEqualTo(7);
        assertThat(CassandraTypes.toColumnType("n", DataTypes.SMALLINT, 7L)).isEqualTo((short) 7);
        assertThat(CassandraTypes.toColumnType("r", DataTypes.FLOAT, 0.5d)).isEqualTo(0.5f);
        Assertions.assertThatThrownBy(() -> CassandraTypes.toColumnType("n", DataTypes.INT, 3_000_000_000L))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("n: the Cassandra column is an int");
        Assertions.assertThatThrownBy(() -> CassandraTypes.toColumnType("r", DataTypes.FLOAT, 0.1d))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("r: the Cassandra column is a float");
    }
}
