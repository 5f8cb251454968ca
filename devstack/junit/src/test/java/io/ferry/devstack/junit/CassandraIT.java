package io.ferry.devstack.junit;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.Row;
import io.ferry.devstack.CassandraService;
import io.ferry.devstack.Service;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

@WithServices(Service.CASSANDRA)
class CassandraIT {

    @Test
    void createInsertSelect(CassandraService cassandra) {
        // Schema statements take seconds on a small machine: generous timeouts, not retries.
        DriverConfigLoader config = DriverConfigLoader.programmaticBuilder()
                .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(30))
                .withDuration(DefaultDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT, Duration.ofSeconds(30))
                .withDuration(DefaultDriverOption.CONTROL_CONNECTION_AGREEMENT_TIMEOUT, Duration.ofSeconds(30))
                .build();
        try (CqlSession session = CqlSession.builder()
                .addContactPoint(new InetSocketAddress(cassandra.host(), cassandra.port()))
                .withLocalDatacenter(cassandra.localDatacenter())
                .withConfigLoader(config)
                .build()) {
            session.execute("CREATE KEYSPACE IF NOT EXISTS devstack_it WITH replication = "
                    + "{'class': 'SimpleStrategy', 'replication_factor': 1}");
            session.execute("CREATE TABLE IF NOT EXISTS devstack_it.users (id uuid PRIMARY KEY, email text, logins int)");
            java.util.UUID id = java.util.UUID.randomUUID();
            session.execute(session.prepare("INSERT INTO devstack_it.users (id, email, logins) VALUES (?, ?, ?)")
                    .bind(id, "ada@example.com", 3));

            Row row = session.execute(session.prepare("SELECT email, logins FROM devstack_it.users WHERE id = ?")
                    .bind(id)).one();
            assertThat(row).isNotNull();
            assertThat(row.getString("email")).isEqualTo("ada@example.com");
            assertThat(row.getInt("logins")).isEqualTo(3);
            assertThat(session.execute("SELECT release_version FROM system.local").one().getString(0)).startsWith("5.0");
        }
    }
}
