/**
 * Capture: an embedded Debezium engine per source turns the source's log into canonical change events
 * ({@link io.ferry.core.event.ChangeEvent}) on one Kafka topic per table, written with a transactional
 * producer whose id is fixed per source; Debezium's offsets and schema history live in Kafka.
 * {@link io.ferry.capture.Capture} is the entry point.
 */
package io.ferry.capture;
