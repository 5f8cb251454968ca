package io.ferry.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.ferry.capture.source.SourceDialect;
import io.ferry.core.config.SourceSettings;
import io.ferry.devstack.KafkaService;
import io.ferry.devstack.MysqlService;
import io.ferry.devstack.PostgresService;
import io.ferry.devstack.Service;
import io.ferry.devstack.junit.WithServices;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Capture's own connections to the source give up on a server that stops answering: a query that waits longer than the
 * read timeout fails (a source that hangs would otherwise hold a launch, which holds capture's lifecycle, and with it
 * the service's stop, for ever), and so does a connect to a server that accepts and never answers.
 */
@WithServices({Service.POSTGRES, Service.MARIADB, Service.KAFKA})
class SourceTimeoutIT {

    /** Far longer than the read timeout: without one the query returns normally and the test fails. */
    private static final int SLEEP_SECONDS = 30;
    private static final Duration BOUND = Duration.ofMinutes(1);

    @Test
    void aPostgresQueryThatWaitsTooLongFails(PostgresService pg, KafkaService kafka) throws Exception {
        SourceDialect dialect = SourceDialect.of(TestSources.postgres("pg-timeout", pg, "postgres", kafka, "public.x").source());
        assertReadTimesOut(dialect, "SELECT pg_sleep(" + SLEEP_SECONDS + ")");
    }

    @Test
    void aMariaDbQueryThatWaitsTooLongFails(MysqlService db, KafkaService kafka) throws Exception {
        db.createDatabase("timeout_maria");
        SourceDialect dialect = SourceDialect.of(TestSources.mariadb("maria-timeout", db, "timeout_maria", kafka, 6120, "timeout_maria.x")
                .source());
        assertReadTimesOut(dialect, "SELECT SLEEP(" + SLEEP_SECONDS + ")");
    }

    @Test
    void aServerThatNeverAnswersFailsTheConnect(PostgresService pg, MysqlService db, KafkaService kafka) throws Exception {
        try (SilentServer silent = new SilentServer()) {
            for (SourceSettings real : List.of(TestSources.postgres("pg-silent", pg, "postgres", kafka, "public.x").source(),
                    TestSources.mariadb("maria-silent", db, "mysql", kafka, 6121, "mysql.x").source())) {
                SourceDialect dialect = SourceDialect.of(new SourceSettings(real.type(), "127.0.0.1", silent.port(), real.database(),
                        real.user(), real.password(), real.tables(), real.timeZone(), real.readOnly(), real.snapshot(), real.slot(),
                        real.publication(), real.serverId(), real.heartbeatInterval(), real.heartbeatSchema()));
                SQLException e = assertTimeoutPreemptively(BOUND,
                        () -> catchThrowableOfType(SQLException.class, () -> dialect.connect(Duration.ofSeconds(2), Duration.ofSeconds(2)).close()),
                        real.type() + ": the connect to a silent server was still waiting after " + BOUND);
                assertThat((Throwable) e).as(real.type() + ": a connect to a server that never answers").isNotNull();
                assertThat(silent.accepted()).as(real.type() + ": the driver reached the silent server").isPositive();
            }
        }
    }

    private static void assertReadTimesOut(SourceDialect dialect, String slowQuery) throws Exception {
        try (Connection c = dialect.connect(Duration.ofSeconds(10), Duration.ofSeconds(2))) {
            try (Statement s = c.createStatement()) {
                s.execute("SELECT 1"); // quick queries pass
            }
            SQLException e = assertTimeoutPreemptively(BOUND, () -> catchThrowableOfType(SQLException.class, () -> {
                try (Statement s = c.createStatement()) {
                    s.execute(slowQuery);
                }
            }), "the slow query was still waiting after " + BOUND);
            assertThat((Throwable) e).as("a query waiting " + SLEEP_SECONDS + " s with a 2 s read timeout").isNotNull();
        }
    }

    /** Accepts connections and never writes a byte: a source host that hangs after the TCP handshake. */
    private static final class SilentServer implements AutoCloseable {
        private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final List<Socket> held = new ArrayList<>();
        private final Thread acceptor;

        SilentServer() throws IOException {
            acceptor = new Thread(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket s = socket.accept();
                        synchronized (held) {
                            held.add(s);
                        }
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "silent-server");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        int accepted() {
            synchronized (held) {
                return held.size();
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
            synchronized (held) {
                for (Socket s : held) {
                    s.close();
                }
            }
        }
    }
}
