package io.ferry.transform.topology;

import io.ferry.core.event.KeyCodec;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.RecordContext;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.processor.TopicNameExtractor;

/**
 * Where the group processor's records go: the processor names the topic in a header (a target topic or the
 * dead-letter topic), and the partitioner sends a marker copy to the partition its reserved key names and
 * everything else by the hash of its key, as Kafka's producer does.
 */
final class Outputs {

    /** Header naming the output topic of a record the group processor forwards. */
    static final String TOPIC_HEADER = "ferry.topic";
    /** Header a funnel's router adds: the change topic, partition and offset a record was read from. */
    static final String ORIGIN_HEADER = "ferry.origin";

    private static final byte[] MARKER_PREFIX = ("{\"" + KeyCodec.MARKER_FIELD + "\":").getBytes(StandardCharsets.UTF_8);

    private Outputs() {
    }

    static TopicNameExtractor<byte[], byte[]> topics() {
        return (key, value, context) -> topicOf(context);
    }

    private static String topicOf(RecordContext context) {
        Header h = context.headers().lastHeader(TOPIC_HEADER);
        if (h == null) {
            throw new IllegalStateException("a transform output record has no " + TOPIC_HEADER + " header");
        }
        return new String(h.value(), StandardCharsets.UTF_8);
    }

    static StreamPartitioner<byte[], byte[]> partitioner() {
        return (topic, key, value, numPartitions) -> Optional.of(Set.of(partition(key, numPartitions)));
    }

    static int partition(byte[] key, int numPartitions) {
        if (isMarker(key)) {
            String text = new String(key, MARKER_PREFIX.length, key.length - MARKER_PREFIX.length - 1, StandardCharsets.UTF_8);
            return Integer.parseInt(text.trim()) % numPartitions;
        }
        return Utils.toPositive(Utils.murmur2(key)) % numPartitions;
    }

    static boolean isMarker(byte[] key) {
        return key != null && key.length > MARKER_PREFIX.length
                && Arrays.equals(key, 0, MARKER_PREFIX.length, MARKER_PREFIX, 0, MARKER_PREFIX.length);
    }

    static String header(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
