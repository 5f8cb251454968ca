package io.ferry.validation.lag;

/**
 * The lag of one sink's target table at one moment.
 *
 * @param lagMs an upper bound: every change committed at the source more than this long ago is applied
 *     on the target; -1 when unknown (see {@code state})
 * @param logDistance bytes of source log between the source's current position and what is applied; -1
 *     when unknown
 * @param appliedPosition the source position of the last change (or heartbeat) applied, "" before any
 * @param rowsApplied rows the sink's current processes wrote on this table since they started
 * @param markerId the last heartbeat that passed every partition of the table, -1 before any
 * @param state {@code OK}, {@code WARN}, {@code CRITICAL} by the thresholds, or {@code UNKNOWN}
 * @param detail why the lag is unknown or approximate; "" when there is nothing to say
 */
public record TableLag(String sink, String table, long lagMs, long logDistance, String appliedPosition, long rowsApplied,
        long markerId, String state, String detail) {

    public boolean known() {
        return lagMs >= 0;
    }
}
