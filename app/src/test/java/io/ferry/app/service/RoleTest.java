package io.ferry.app.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RoleTest {

    @Test
    void parsesAListIgnoringCaseAndSpaces() {
        assertThat(Role.parse("capture, SINK")).containsExactlyInAnyOrder(Role.CAPTURE, Role.SINK);
    }

    @Test
    void namesAnUnknownRoleAndTheKnownOnes() {
        assertThatThrownBy(() -> Role.parse("capture,sinks")).hasMessageContaining("unknown role 'sinks'")
                .hasMessageContaining("capture, transform, sink, validate");
        assertThatThrownBy(() -> Role.parse(" , ")).hasMessageContaining("names no role");
    }
}
