package io.ferry.app.bench;

import java.sql.Connection;
import java.sql.SQLException;

/** The source database of one run: made and filled before it, written by the load generator, dropped after it. */
interface BenchSource {

    /** Makes the database (again, when it exists) with the {@code bench} table holding rows 1..rows. */
    void create(long rows) throws SQLException;

    Connection connect() throws SQLException;

    /** Drops the database and whatever the contender left on the server for it (replication slots, Ferry's heartbeat database). */
    void drop() throws SQLException;

    /** Ferry's {@code source:} section, indented for the pipeline file. */
    String yaml();

    /** The table's name in Ferry's mapping ({@code public.bench}, {@code <database>.bench}). */
    String table();
}
