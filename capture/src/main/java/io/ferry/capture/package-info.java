/** Capture: embedded Debezium engines that turn a source's log into canonical change events on Kafka. */
package io.ferry.capture;
