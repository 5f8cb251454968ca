package io.ferry.devstack.local;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * Whether a CQL server answers on a port: an OPTIONS request in protocol v4 must come back as SUPPORTED.
 * A port that merely accepts a connection (or a loopback connect that met itself) is not enough to
 * call Cassandra ready.
 */
final class CqlProbe {

    static final int VERSION_4_REQUEST = 0x04;
    static final int VERSION_4_RESPONSE = 0x84;
    static final int OPCODE_OPTIONS = 0x05;
    static final int OPCODE_SUPPORTED = 0x06;

    private CqlProbe() {
    }

    static boolean answers(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 500);
            if (FreePorts.selfConnected(s)) {
                return false;
            }
            s.setSoTimeout(2_000);
            OutputStream out = s.getOutputStream();
            // header: version, flags, stream id (2 bytes), opcode, body length (4 bytes); OPTIONS has no body
            out.write(new byte[] {VERSION_4_REQUEST, 0, 0, 0, OPCODE_OPTIONS, 0, 0, 0, 0});
            out.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            byte[] header = new byte[9];
            in.readFully(header);
            return isSupported(header);
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether a response frame's header is a v4 SUPPORTED answer to stream 0. */
    static boolean isSupported(byte[] header) {
        return header.length == 9 && (header[0] & 0xff) == VERSION_4_RESPONSE && header[2] == 0 && header[3] == 0
                && header[4] == OPCODE_SUPPORTED;
    }
}
