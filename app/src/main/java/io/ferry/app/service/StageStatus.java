package io.ferry.app.service;

/**
 * How one stage of this process is doing, for the status page, {@code /status} and the gate.
 *
 * @param state {@code STARTING}, {@code RUNNING}, {@code SNAPSHOTTING}, {@code STANDBY} (another process
 *     holds the work), {@code DEGRADED} (running, but leaving out work it should do: capture with tables that match
 *     {@code source.tables} and are not captured), {@code RETRYING}, {@code FAILED} or {@code STOPPED}
 * @param detail one line for people; empty when there is nothing to say
 */
public record StageStatus(String stage, String state, String detail) {

    public boolean healthy() {
        return !state.equals("FAILED") && !state.equals("RETRYING") && !state.equals("STOPPED") && !state.equals("DEGRADED");
    }
}
