/**
 * Every Kafka topic Ferry uses, defined once: names, partition counts, cleanup policies and retention
 * ({@link io.ferry.core.topic.TopicLayout}), creation when missing ({@link io.ferry.core.topic.TopicAdmin}),
 * and the records of the dead-letter and applied-positions topics.
 */
package io.ferry.core.topic;
