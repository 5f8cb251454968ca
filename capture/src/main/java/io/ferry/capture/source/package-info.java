/**
 * Everything capture does to and asks of the source database directly, per engine: preflight checks,
 * Ferry's footprint (heartbeat and signal tables), marker rows, and the engine's Debezium properties.
 */
package io.ferry.capture.source;
