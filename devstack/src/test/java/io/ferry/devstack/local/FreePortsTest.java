package io.ferry.devstack.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FreePortsTest {

    /** Ports for servers come from below the range the kernel hands to connections and to binds to port 0, never twice. */
    @Test
    void portsAreFreeDistinctAndBelowTheEphemeralRange() throws Exception {
        int ephemeral = FreePorts.ephemeralStart();
        assertThat(ephemeral).as("this machine's ephemeral range leaves room below it").isGreaterThan(FreePorts.LOWEST + 1_000);
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            int port = FreePorts.next();
            assertThat(port).isBetween(FreePorts.LOWEST, ephemeral - 1);
            assertThat(seen.add(port)).as("port %d handed out twice", port).isTrue();
        }
        int port = FreePorts.next();
        try (ServerSocket server = new ServerSocket(port)) {
            assertThat(server.getLocalPort()).isEqualTo(port);
        }
    }
}
