package io.ferry.e2e;

import io.ferry.devstack.PostgresService;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** PostgreSQL housekeeping for the runs: a database from nothing, without the slot a killed earlier run left. */
final class Postgres {

    private Postgres() {
    }

    /** Drops {@code database} (and the replication slot {@code slot}, which would keep it alive) and creates it empty. */
    static void recreate(PostgresService pg, String database, String slot) throws SQLException {
        try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
            if (slot != null) {
                s.execute("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = '" + slot + "' AND active_pid IS NOT NULL");
                s.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '" + slot + "'");
            }
            s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + database);
        }
    }
}
