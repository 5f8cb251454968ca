package io.ferry.transform.topology;

import java.util.Map;

/**
 * The change topics of the cluster that groups reading by pattern could read, as an admin client lists them: a stream
 * thread's consumer learns of a new matching topic only at its next metadata refresh and the rebalance after it, and
 * until then a marker would pass the group ahead of the new topic's rows. Shared by the tasks of a process.
 */
@FunctionalInterface
public interface TopicListing {

    /** No listing (tests of the topology alone): a pattern group waits only for the inputs it has read. */
    TopicListing NONE = notBefore -> Map.of();

    /**
     * The topics, each with its partition count, of a listing begun at or after {@code notBeforeNanos}
     * ({@link System#nanoTime()}), listing again when the last one began earlier. The same map instance until the next
     * listing. Never throws: when the cluster cannot be listed, the last listing (a WARN says so).
     */
    Map<String, Integer> listedSince(long notBeforeNanos);
}
