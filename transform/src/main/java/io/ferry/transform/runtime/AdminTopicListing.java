package io.ferry.transform.runtime;

import io.ferry.transform.topology.TopicListing;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link TopicListing} by an admin client of its own, one listing at a time, the latest kept for every task of the
 * process: a marker's first copy asks for a listing begun after it arrived, and its other copies (and the other tasks'
 * markers that arrived before that listing began) reuse it. Only topics that match one of the groups' patterns are
 * kept, each with its partition count as described at that listing (a topic that cannot be described is left out, and
 * the next marker lists again). It runs on a stream thread, so each call is
 * bounded by a few seconds (well within the exactly-once transaction's timeout), and after a failure the last listing
 * is used for a while before the cluster is asked again.
 */
final class AdminTopicListing implements TopicListing, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AdminTopicListing.class);
    private static final long CALL_TIMEOUT_MS = 5_000;
    private static final long RETRY_AFTER_FAILURE_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Admin admin;
    private final List<Pattern> patterns;
    private long listedAtNanos;
    private boolean listed;
    private Map<String, Integer> topics = Map.of();
    private long failedAtNanos;
    private boolean failing;

    AdminTopicListing(String bootstrapServers, Map<String, String> clientProperties, List<Pattern> patterns) {
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "ferry-transform-topic-listing");
        this.admin = Admin.create(p);
        this.patterns = List.copyOf(patterns);
    }

    @Override
    public synchronized Map<String, Integer> listedSince(long notBeforeNanos) {
        if (listed && listedAtNanos - notBeforeNanos >= 0) {
            return topics;
        }
        long startedAt = System.nanoTime();
        if (failing && startedAt - failedAtNanos < RETRY_AFTER_FAILURE_NANOS) {
            return topics;
        }
        try {
            Set<String> names = admin.listTopics().names().get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            List<String> matching = names.stream().filter(n -> patterns.stream().anyMatch(p -> p.matcher(n).matches())).toList();
            Map<String, Integer> next = new HashMap<>();
            boolean complete = true;
            if (!matching.isEmpty()) {
                // every matching topic described again (a topic made again with other partitions, partitions added), each on
                // its own: one the answering broker does not know yet, or deleted meanwhile, does not fail the others
                Map<String, KafkaFuture<TopicDescription>> described = admin.describeTopics(matching).topicNameValues();
                for (Map.Entry<String, KafkaFuture<TopicDescription>> e : described.entrySet()) {
                    long left = Math.max(1, CALL_TIMEOUT_MS - (System.nanoTime() - startedAt) / 1_000_000);
                    try {
                        next.put(e.getKey(), e.getValue().get(left, TimeUnit.MILLISECONDS).partitions().size());
                    } catch (ExecutionException | TimeoutException ex) {
                        complete = false;
                        Integer before = topics.get(e.getKey()); // it exists: keep what the last listing said of it
                        if (before != null) {
                            next.put(e.getKey(), before);
                        }
                    }
                }
            }
            topics = Map.copyOf(next);
            if (complete) {
                listedAtNanos = startedAt; // else the next marker lists again
                listed = true;
            }
            if (failing) {
                failing = false;
                log.info("transform: the topics are listed again");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            failedAtNanos = startedAt;
            if (!failing) {
                failing = true;
                log.warn("transform: cannot list the topics ({}); a group that reads by pattern lets a marker through once the"
                        + " matching topics listed before delivered it, and may pass it ahead of a new topic's rows", e.toString());
            }
        }
        return topics;
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(10));
    }
}
