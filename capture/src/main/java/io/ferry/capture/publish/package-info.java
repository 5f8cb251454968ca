/** Writing canonical events to Kafka: transactional batches, marker fan-out, schema versions. */
package io.ferry.capture.publish;
