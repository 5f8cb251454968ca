/**
 * {@code ferry bench}: Ferry end to end on this machine (devstack's PostgreSQL, the embedded Kafka, the
 * whole pipeline in this process) through three phases: a snapshot, a steady stream of small transactions
 * with their end-to-end latency, and the drain of a backlog queued while the service was stopped.
 */
package io.ferry.app.bench;
