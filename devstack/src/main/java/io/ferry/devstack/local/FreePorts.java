package io.ferry.devstack.local;

import io.ferry.devstack.DevstackException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/** Free loopback ports, and whether a loopback connection met itself. */
public final class FreePorts {

    /** Above the well-known ports and those most services register. */
    static final int LOWEST = 10_000;
    /** Linux's default ephemeral range starts here; {@code /proc/sys/net/ipv4/ip_local_port_range} says where it does. */
    private static final int EPHEMERAL_DEFAULT = 32_768;
    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    /** Handed out by this JVM: a port picked at random must not be handed out twice before its server binds it. */
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private FreePorts() {
    }

    /**
     * A port nothing listens on right now, for a server that binds it moments later. Picked below the kernel's ephemeral
     * range when there is room: the kernel hands ports in that range to every outgoing connection and every bind to port 0
     * on the machine, so one of those (a Kafka client's connection, a broker binding port 0) could take the port between
     * this check and the server's bind; a benchmark's status server once failed so (session 25).
     */
    public static int next() {
        int below = ephemeralStart();
        for (int attempt = 0; below - LOWEST >= 1_000 && attempt < 100; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, below);
            if (!HANDED_OUT.contains(port) && free(port) && HANDED_OUT.add(port)) {
                return port;
            }
        }
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new DevstackException("no free loopback port", e);
        }
    }

    /** The first port of the kernel's ephemeral range ({@value #EPHEMERAL_DEFAULT} when it cannot be read). */
    static int ephemeralStart() {
        // read by line: Java 17's Files.readString gives only the first byte of this file (procfs reports its size as 0)
        try (java.io.BufferedReader in = Files.newBufferedReader(EPHEMERAL_RANGE)) {
            String[] range = in.readLine().trim().split("\\s+");
            return Integer.parseInt(range[0]);
        } catch (IOException | RuntimeException e) {
            return EPHEMERAL_DEFAULT;
        }
    }

    /** Whether nothing listens on the port, on any address. */
    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket(port)) {
            return true;
        } catch (IOException e) {
            return false;
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
