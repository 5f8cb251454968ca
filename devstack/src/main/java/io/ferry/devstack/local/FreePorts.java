package io.ferry.devstack.local;

import io.ferry.devstack.DevstackException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Free loopback ports, and whether a loopback connection met itself. */
final class FreePorts {

    private FreePorts() {
    }

    /** A port nothing listens on right now; the server that takes it binds it moments later. */
    static int next() {
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new DevstackException("no free loopback port", e);
        }
    }

    /**
     * Whether a loopback connect met itself: with nothing listening yet, the kernel can pick the
     * destination port as the source port, and TCP's simultaneous open then "succeeds" with no server.
     */
    static boolean selfConnected(Socket s) {
        return s.getLocalPort() == s.getPort() && s.getLocalAddress().equals(s.getInetAddress());
    }
}
