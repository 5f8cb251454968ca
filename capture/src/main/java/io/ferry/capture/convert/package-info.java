/**
 * Debezium's {@code SourceRecord}s into canonical events: column types from Connect schemas (with the
 * source's own type propagated), values into the canonical forms of docs/types.md, and markers from
 * Ferry's heartbeat table. Debezium's envelope never leaves this package.
 */
package io.ferry.capture.convert;
