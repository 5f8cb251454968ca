package io.ferry.capture;

import io.ferry.capture.source.SourceDialect;
import io.ferry.core.event.Marker;
import java.sql.Connection;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a heartbeat row into the source on each call, over one connection it reopens when lost. The
 * rows keep an idle source's replication slot advancing and become the markers lag follows.
 */
final class HeartbeatWriter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HeartbeatWriter.class);

    private final SourceDialect dialect;
    private final String pipeline;
    private Connection connection;
    private boolean failing;

    HeartbeatWriter(SourceDialect dialect, String pipeline) {
        this.dialect = dialect;
        this.pipeline = pipeline;
    }

    synchronized void beat() {
        try {
            if (connection == null || connection.isClosed()) {
                connection = dialect.connect();
            }
            dialect.writeMarker(connection, pipeline, Marker.Kind.HEARTBEAT);
            if (failing) {
                log.info("heartbeats into the source work again");
                failing = false;
            }
        } catch (SQLException | RuntimeException e) {
            if (!failing) {
                log.warn("cannot write a heartbeat into the source ({}); lag reads high until it works again", e.getMessage());
                failing = true;
            }
            close();
        }
    }

    @Override
    public synchronized void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                log.debug("closing the heartbeat connection failed", e);
            }
            connection = null;
        }
    }
}
