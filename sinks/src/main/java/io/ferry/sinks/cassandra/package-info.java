/**
 * The Cassandra sink: prepared statements executed asynchronously with bounded concurrency, every write
 * and delete {@code USING TIMESTAMP} derived from the source, so a replayed older change never
 * overwrites a newer one.
 */
package io.ferry.sinks.cassandra;
