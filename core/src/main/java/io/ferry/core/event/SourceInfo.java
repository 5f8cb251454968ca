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
 * @param stampUs capture's stamp, microseconds: {@code max(tsUs, previous stamp + 1)} over everything one
 *     capture publishes, in log order, carried on across restarts. Strictly increasing per key in source
 *     commit order and close to the commit time even where the source's clock has whole seconds (MySQL,
 *     MariaDB) or a snapshot's rows carry scan times; Cassandra writes use it. 0 where not stamped.
 */
public record SourceInfo(String db, String pos, long order, String txId, long txSeq, long tsUs, boolean snapshot, long stampUs) {

    public SourceInfo {
        Objects.requireNonNull(db, "db");
        Objects.requireNonNull(pos, "pos");
    }

    /** A position without a numeric order (tests, sources that have none). */
    public SourceInfo(String db, String pos, String txId, long tsUs, boolean snapshot) {
        this(db, pos, 0, txId, 0, tsUs, snapshot, 0);
    }

    /** A position whose place within its transaction is unknown (snapshot reads, heartbeats). */
    public SourceInfo(String db, String pos, long order, String txId, long tsUs, boolean snapshot) {
        this(db, pos, order, txId, 0, tsUs, snapshot, 0);
    }

    /** A position not stamped yet (capture stamps it as it publishes). */
    public SourceInfo(String db, String pos, long order, String txId, long txSeq, long tsUs, boolean snapshot) {
        this(db, pos, order, txId, txSeq, tsUs, snapshot, 0);
    }

    /** This position with capture's stamp. */
    public SourceInfo withStamp(long stamp) {
        return new SourceInfo(db, pos, order, txId, txSeq, tsUs, snapshot, stamp);
    }
}
