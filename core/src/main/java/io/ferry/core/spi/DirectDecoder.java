package io.ferry.core.spi;

import io.ferry.core.event.TargetEvent;
import java.util.List;
import java.util.Set;

/**
 * Turns the records of topics a sink reads directly (the change topics of {@code transform.direct} mappings) into the
 * target events it applies. Implemented by the transform module's direct mapper, applied by the sinks' runtime, which
 * do not know each other; the service hands one to the other.
 */
public interface DirectDecoder {

    /** The topics read directly. */
    Set<String> topics();

    /**
     * The target events of one record, in order, and the mappings it could not be mapped for.
     *
     * @throws io.ferry.core.event.EventFormatException when the record is not a change event
     */
    Decoded decode(String topic, byte[] key, byte[] value);

    /** What one record gives. */
    record Decoded(List<TargetEvent> events, List<Rejection> rejections) {
        public Decoded {
            events = List.copyOf(events);
            rejections = List.copyOf(rejections);
        }
    }

    /** A record one mapping could not map: it goes to the dead-letter topic, named after the mapping. */
    record Rejection(String mapping, String reason, String error) {
    }
}
