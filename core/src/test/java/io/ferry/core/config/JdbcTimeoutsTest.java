package io.ferry.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class JdbcTimeoutsTest {

    @Test
    void pgjdbcTakesSecondsMariaDbMillisecondsAndTheUrlsOwnBoundsStay() {
        Properties pg = JdbcTimeouts.bound(new Properties(), "jdbc:postgresql://h:5432/db", Duration.ofSeconds(10), Duration.ofMinutes(30));
        assertThat(pg).containsEntry("connectTimeout", "10").containsEntry("loginTimeout", "10").containsEntry("socketTimeout", "1800")
                .containsEntry("tcpKeepAlive", "true");
        Properties maria = JdbcTimeouts.bound(new Properties(), "jdbc:mariadb://h:3306/db", Duration.ofSeconds(10), Duration.ofMinutes(30));
        assertThat(maria).containsEntry("connectTimeout", "10000").containsEntry("socketTimeout", "1800000").doesNotContainKey("loginTimeout");
        Properties own = JdbcTimeouts.bound(new Properties(), "jdbc:postgresql://h/db?socketTimeout=5", Duration.ofSeconds(10),
                Duration.ofMinutes(30));
        assertThat(own).doesNotContainKey("socketTimeout").containsEntry("connectTimeout", "10");
    }
}
