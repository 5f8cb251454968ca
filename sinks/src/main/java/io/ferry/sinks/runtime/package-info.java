/** The sink runtime: one consumer group per sink, batches, retries, dead letters, applied positions. */
package io.ferry.sinks.runtime;
