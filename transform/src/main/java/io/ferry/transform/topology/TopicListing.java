package io.ferry.transform.topology;

import java.util.Set;

/**
 * The topics of the cluster as an admin client lists them, for groups that read change topics by pattern: a stream
 * thread's consumer learns of a new matching topic only at its next metadata refresh and the rebalance after it, and
 * until then a marker would pass the group ahead of the new topic's rows. Shared by the tasks of a process.
 */
@FunctionalInterface
public interface TopicListing {

    /** No listing (tests of the topology alone): a pattern group waits only for the inputs it has read. */
    TopicListing NONE = notBefore -> Set.of();

    /**
     * The topic names of a listing begun at or after {@code notBeforeNanos} ({@link System#nanoTime()}), listing again when
     * the last one began earlier. Never throws: when the cluster cannot be listed, the last listing (a WARN says so).
     */
    Set<String> listedSince(long notBeforeNanos);
}
