package io.ferry.capture.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.config.Secret;
import io.ferry.core.config.SourceSettings;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class PostgresDialectTest {

    @Test
    void theCatalogReadIsBoundedAsFerrysOwnConnectionsAreAndASettingOfOnesOwnWins() {
        SourceSettings source = new SourceSettings("postgres", "db", 5432, "shop", "ferry", Optional.of(new Secret("pw")),
                List.of("public.users"), ZoneId.of("UTC"), false, "initial", "ferry_shop", "ferry_shop", 5400, Duration.ofSeconds(5), "ferry");
        PostgresDialect dialect = (PostgresDialect) SourceDialect.of(source);
        Properties debezium = new Properties();
        debezium.put("database.hostname", "db");
        debezium.put("driver.connectTimeout", "3");
        Properties bounded = dialect.bounded(debezium);
        assertThat(bounded).containsEntry("database.hostname", "db")
                .containsEntry("driver.socketTimeout", Long.toString(SourceDialect.READ_TIMEOUT.toSeconds()))
                .containsEntry("driver.loginTimeout", Long.toString(SourceDialect.CONNECT_TIMEOUT.toSeconds()))
                .containsEntry("driver.connectTimeout", "3")
                .doesNotContainKeys("driver.user", "driver.password");
        assertThat(debezium).as("Debezium's own properties untouched").doesNotContainKey("driver.socketTimeout");
    }
}
