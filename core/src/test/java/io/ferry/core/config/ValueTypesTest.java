package io.ferry.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.core.spi.SinkFactories;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ValueTypesTest {

    @Test
    void durationsNeedAUnit() {
        assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Durations.parse("5s")).isEqualTo(Duration.ofSeconds(5));
        assertThat(Durations.parse("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Durations.parse("7d")).isEqualTo(Duration.ofDays(7));
        assertThatThrownBy(() -> Durations.parse("5")).hasMessageContaining("with a unit");
        assertThatThrownBy(() -> Durations.parse("-5s")).hasMessageContaining("with a unit");
        assertThatThrownBy(() -> Durations.parse("1.5s")).hasMessageContaining("with a unit");
        assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(Durations.format(Duration.ofMinutes(120))).isEqualTo("2h");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    }

    @Test
    void sizesInBinaryAndDecimalUnits() {
        assertThat(DataSize.parse("64MiB").bytes()).isEqualTo(64L * 1024 * 1024);
        assertThat(DataSize.parse("512KiB").bytes()).isEqualTo(512L * 1024);
        assertThat(DataSize.parse("10MB").bytes()).isEqualTo(10_000_000L);
        assertThat(DataSize.parse("1GiB").bytes()).isEqualTo(1L << 30);
        assertThat(DataSize.parse("100B").bytes()).isEqualTo(100);
        assertThat(DataSize.parse("64MiB").toString()).isEqualTo("64MiB");
        assertThatThrownBy(() -> DataSize.parse("64")).hasMessageContaining("with a unit");
        assertThatThrownBy(() -> DataSize.parse("64mb")).hasMessageContaining("with a unit");
        assertThatThrownBy(() -> DataSize.parse("99999999999TiB")).hasMessageContaining("too large");
    }

    @Test
    void didYouMeanOnlySuggestsCloseWords() {
        assertThat(DidYouMean.suggest("bootstrap_server", List.of("bootstrap_servers", "partitions"))).contains("bootstrap_servers");
        assertThat(DidYouMean.suggest("patritions", List.of("bootstrap_servers", "partitions"))).contains("partitions");
        assertThat(DidYouMean.suggest("xyz", List.of("bootstrap_servers", "partitions"))).isEmpty();
    }

    @Test
    void unknownSinkTypeListsTheKnownOnes() {
        SinkFactories factories = SinkFactories.load();
        assertThat(factories.identifiers()).contains("fixture");
        assertThatThrownBy(() -> factories.require("fixtrue"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown sink type 'fixtrue'; did you mean 'fixture'? known types: fixture");
    }

    @Test
    void secretNeverPrintsItsValue() {
        Secret s = new Secret("hunter2");
        assertThat(s.toString()).isEqualTo("******");
        assertThat(String.valueOf(java.util.Optional.of(s))).doesNotContain("hunter2");
        assertThat(s.reveal()).isEqualTo("hunter2");
    }
}
