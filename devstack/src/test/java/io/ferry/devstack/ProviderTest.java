package io.ferry.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProviderTest {

    @Test
    void explicitChoicesAreTakenAsGivenInAnyCase() {
        assertThat(Provider.parse("local")).isEqualTo(Provider.LOCAL);
        assertThat(Provider.parse(" Docker ")).isEqualTo(Provider.DOCKER);
    }

    @Test
    void unknownValueNamesThePropertyAndTheChoices() {
        assertThatThrownBy(() -> Provider.parse("podman"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-Dferry.services")
                .hasMessageContaining("local, docker or auto")
                .hasMessageContaining("podman");
    }
}
