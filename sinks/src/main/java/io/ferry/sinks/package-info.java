/**
 * Sinks: the runtime that consumes a sink's target topics, batches, writes and commits
 * ({@link io.ferry.sinks.runtime.SinkRunner}), and one package per target kind implementing the SPI of
 * {@code io.ferry.core.spi}: {@code jdbc} (PostgreSQL, MySQL, MariaDB).
 */
package io.ferry.sinks;
