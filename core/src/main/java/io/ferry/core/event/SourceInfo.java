package io.ferry.core.event;

import java.util.Objects;

/**
 * Where a change came from in the source's log.
 *
 * @param db the source database
 * @param pos the log position: a PostgreSQL LSN ({@code 0/16B3748}), a binlog {@code file:pos}, or a GTID set
 * @param txId the source transaction, or null where the log has none (snapshot reads)
 * @param tsUs the source commit time in microseconds since the epoch, by the source's clock
 * @param snapshot true for rows read by a snapshot rather than from the log
 */
public record SourceInfo(String db, String pos, String txId, long tsUs, boolean snapshot) {

    public SourceInfo {
        Objects.requireNonNull(db, "db");
        Objects.requireNonNull(pos, "pos");
    }
}
