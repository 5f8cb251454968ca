/** Transform: the pipeline's mappings compiled into a Kafka Streams topology. */
package io.ferry.transform;
