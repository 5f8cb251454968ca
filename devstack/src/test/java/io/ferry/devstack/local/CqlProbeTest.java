package io.ferry.devstack.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Cassandra is ready only when its port answers CQL, not when something merely accepts a connection. */
class CqlProbeTest {

    private final ExecutorService acceptor = Executors.newSingleThreadExecutor();
    private final AtomicReference<byte[]> request = new AtomicReference<>();

    @AfterEach
    void stop() {
        acceptor.shutdownNow();
    }

    @Test
    void aSupportedAnswerToOptionsIsReady() throws Exception {
        try (ServerSocket server = serve(s -> reply(s, new byte[] {(byte) 0x84, 0, 0, 0, 0x06, 0, 0, 0, 2, 0, 0}))) {
            assertThat(CqlProbe.answers("127.0.0.1", server.getLocalPort())).isTrue();
        }
        assertThat(request.get()).as("the probe's request: a v4 OPTIONS frame on stream 0 without a body")
                .containsExactly(0x04, 0, 0, 0, 0x05, 0, 0, 0, 0);
    }

    @Test
    void aListenerThatClosesIsNotReady() throws Exception {
        try (ServerSocket server = serve(s -> { })) {
            assertThat(CqlProbe.answers("127.0.0.1", server.getLocalPort())).isFalse();
        }
    }

    @Test
    void anEchoOfTheRequestIsNotReady() throws Exception {
        // what a loopback connect that met itself would read back
        try (ServerSocket server = serve(s -> reply(s, new byte[] {0x04, 0, 0, 0, 0x05, 0, 0, 0, 0}))) {
            assertThat(CqlProbe.answers("127.0.0.1", server.getLocalPort())).isFalse();
        }
    }

    @Test
    void anErrorFrameIsNotReady() throws Exception {
        try (ServerSocket server = serve(s -> reply(s, new byte[] {(byte) 0x84, 0, 0, 0, 0x00, 0, 0, 0, 0}))) {
            assertThat(CqlProbe.answers("127.0.0.1", server.getLocalPort())).isFalse();
        }
    }

    @Test
    void aClosedPortIsNotReady() {
        assertThat(CqlProbe.answers("127.0.0.1", FreePorts.next())).isFalse();
    }

    private ServerSocket serve(Consumer<Socket> handler) throws Exception {
        ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        acceptor.submit(() -> {
            try (Socket s = server.accept()) {
                handler.accept(s);
            }
            return null;
        });
        return server;
    }

    private void reply(Socket s, byte[] answer) {
        try {
            InputStream in = s.getInputStream();
            request.set(in.readNBytes(9));
            OutputStream out = s.getOutputStream();
            out.write(answer);
            out.flush();
            in.read(); // hold the connection until the probe closes it
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
