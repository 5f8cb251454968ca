package io.ferry.core.event;

import java.util.Objects;

/**
 * Where a change came from in the source's log.
 *
 * @param db the source database
 * @param pos the log position as the source writes it: a PostgreSQL LSN ({@code 0/16B3748}), a binlog
 *     {@code file:transactionPos:eventInTransaction:rowInEvent}
 * @param order the position as a number that grows along the log: the change's LSN for PostgreSQL; for
 *     MySQL/MariaDB {@code fileIndex << 48 | transactionPos << 16 | min(event, 255) << 8 | min(row, 255)}.
 *     Changes of one key have strictly increasing orders in source commit order (within one transaction,
 *     up to its 255th event); 0 where unknown (Debezium's own heartbeats)
 * @param txId the source transaction (PostgreSQL xid, MySQL/MariaDB GTID), or null where the log has none
 * @param txSeq the change's position within its transaction (0 for the first), from Debezium's transaction
 *     metadata: with {@code tsUs} it orders the changes of one transaction, which share a commit time
 * @param tsUs the source commit time in microseconds since the epoch, by the source's clock (MySQL and
 *     MariaDB give whole seconds)
 * @param snapshot true for rows read by a snapshot rather than from the log
 */
public record SourceInfo(String db, String pos, long order, String txId, long txSeq, long tsUs, boolean snapshot) {

    public SourceInfo {
        Objects.requireNonNull(db, "db");
        Objects.requireNonNull(pos, "pos");
    }

    /** A position without a numeric order (tests, sources that have none). */
    public SourceInfo(String db, String pos, String txId, long tsUs, boolean snapshot) {
        this(db, pos, 0, txId, 0, tsUs, snapshot);
    }

    /** A position whose place within its transaction is unknown (snapshot reads, heartbeats). */
    public SourceInfo(String db, String pos, long order, String txId, long tsUs, boolean snapshot) {
        this(db, pos, order, txId, 0, tsUs, snapshot);
    }
}
