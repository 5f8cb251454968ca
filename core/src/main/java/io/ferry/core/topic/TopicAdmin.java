package io.ferry.core.topic;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.LeaderNotAvailableException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates missing topics with their specs, and refuses to run on an existing topic whose cleanup
 * policy is wrong (a compacted topic that deletes would lose offsets; a deleting topic that compacts
 * would lose changes) or whose retention is shorter than Ferry needs (records would expire unseen).
 * So is one with another partition count than its spec: transform lays out its inputs and markers by the pipeline's
 * count, and the sinks count markers by it.
 */
public final class TopicAdmin {

    private static final Logger log = LoggerFactory.getLogger(TopicAdmin.class);
    private static final long TIMEOUT_SECONDS = 60;

    private TopicAdmin() {
    }

    /**
     * @throws IllegalStateException when an existing topic has the wrong cleanup policy, too short a retention or another
     *     partition count
     * @throws TopicAdminException when Kafka cannot be reached or refuses
     */
    public static void ensure(Admin admin, Collection<TopicSpec> specs) {
        try {
            Set<String> existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            List<TopicSpec> missing = specs.stream().filter(s -> !existing.contains(s.name())).toList();
            create(admin, missing);
            verifyWhenKnown(admin, specs.stream().filter(s -> existing.contains(s.name())).toList());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TopicAdminException("interrupted while checking topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new TopicAdminException("could not check or create topics: " + rootMessage(e), e);
        }
    }

    /**
     * Kafka Streams' own topics of an application (its stores' changelogs, a funnel's repartition topic), which carry rows
     * too, take records up to the pipeline's limit: Streams makes them with it, but a limit raised since finds them made
     * for the old one, and the first larger row failed the stream thread at every restart.
     *
     * @param applicationId Kafka Streams' {@code application.id}, the prefix of its topics' names
     * @throws TopicsMismatch naming each topic and the fix
     */
    public static void ensureStreamsTopicsTake(Admin admin, String applicationId, int maxRecordBytes) {
        int needed = TopicSpec.maxMessageBytes(maxRecordBytes);
        try {
            List<ConfigResource> resources = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).stream()
                    .filter(t -> t.startsWith(applicationId + "-") && (t.endsWith("-changelog") || t.endsWith("-repartition")))
                    .sorted().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
            if (resources.isEmpty()) {
                return;
            }
            List<String> wrong = new ArrayList<>();
            admin.describeConfigs(resources).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).forEach((topic, config) -> {
                long has = Long.parseLong(value(config, "max.message.bytes", String.valueOf(needed)));
                if (has < needed) {
                    wrong.add(topic.name() + " takes records up to max.message.bytes=" + has + " but the pipeline's kafka.max_record_size"
                            + " needs " + needed + " (fix: --add-config max.message.bytes=" + needed + ")");
                }
            });
            if (!wrong.isEmpty()) {
                throw new TopicsMismatch("Kafka Streams' topics of transform take smaller records than the pipeline writes: "
                        + String.join("; ", wrong) + ". Apply the fixes with kafka-configs --alter --entity-type topics --entity-name <topic>.");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TopicAdminException("interrupted while checking topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new TopicAdminException("could not check transform's topics: " + rootMessage(e), e);
        }
    }

    private static void create(Admin admin, List<TopicSpec> missing) throws InterruptedException, TimeoutException,
            ExecutionException {
        if (missing.isEmpty()) {
            return;
        }
        List<NewTopic> topics = missing.stream()
                .map(s -> new NewTopic(s.name(), java.util.Optional.of(s.partitions()), s.replicationFactor()).configs(s.configs()))
                .toList();
        var results = admin.createTopics(topics).values();
        List<TopicSpec> created = new ArrayList<>();
        for (var entry : results.entrySet()) {
            try {
                entry.getValue().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                missing.stream().filter(s -> s.name().equals(entry.getKey())).forEach(created::add);
                log.info("created topic {}", entry.getKey());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
                // another Ferry process created it a moment ago: fine, its policy is checked below
                verifyWhenKnown(admin, missing.stream().filter(s -> s.name().equals(entry.getKey())).toList());
            }
        }
        awaitServed(admin, created);
    }

    /**
     * The controller answers a creation once it is decided, before the brokers have taken it in: a producer's first batch
     * to a partition whose leader does not host it yet is answered NOT_LEADER_OR_FOLLOWER, and Kafka 4.1.1 then refused an
     * idempotent producer's retried first batch with OUT_OF_ORDER_SEQUENCE_NUMBER for ever (capture's producer is one). So
     * new topics are returned only once every partition's leader answers for it: a DescribeProducers request is answered
     * by the same partition state a produce request needs.
     */
    private static void awaitServed(Admin admin, List<TopicSpec> created) throws InterruptedException {
        List<TopicPartition> partitions = created.stream()
                .flatMap(s -> java.util.stream.IntStream.range(0, s.partitions()).mapToObj(p -> new TopicPartition(s.name(), p)))
                .toList();
        if (partitions.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (true) {
            try {
                admin.describeProducers(partitions).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException | TimeoutException e) {
                Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                boolean notYet = cause instanceof NotLeaderOrFollowerException || cause instanceof UnknownTopicOrPartitionException
                        || cause instanceof LeaderNotAvailableException;
                if (!notYet || System.nanoTime() > deadline) {
                    // a principal without READ on the topic, a broker without the API (before Kafka 2.8), a slow cluster:
                    // the check is a precaution, the topics are made
                    log.info("could not check that the new partitions of {} are served ({}); going on",
                            created.stream().map(TopicSpec::name).toList(), cause.toString());
                    return;
                }
            }
            Thread.sleep(50);
        }
    }

    /**
     * A topic created a moment ago (by another process, or listed before every broker has its metadata) can
     * be unknown to the broker answering for a short while: the check is retried for up to a minute.
     */
    private static void verifyWhenKnown(Admin admin, List<TopicSpec> specs) throws InterruptedException, ExecutionException,
            TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                verifyPolicies(admin, specs);
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)
                        || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    private static void verifyPolicies(Admin admin, List<TopicSpec> specs) throws InterruptedException,
            ExecutionException, TimeoutException {
        if (specs.isEmpty()) {
            return;
        }
        List<ConfigResource> resources = specs.stream()
                .map(s -> new ConfigResource(ConfigResource.Type.TOPIC, s.name())).toList();
        Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        List<String> wrong = new ArrayList<>();
        for (TopicSpec spec : specs) {
            Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, spec.name()));
            String policy = value(config, "cleanup.policy", "");
            Set<String> actual = Set.of(policy.split(",")).stream().map(String::trim).collect(Collectors.toSet());
            if (!actual.equals(Set.of(spec.cleanupPolicy().kafkaValue()))) {
                wrong.add(spec.name() + " has cleanup.policy=" + policy + " but Ferry needs " + spec.cleanupPolicy().kafkaValue()
                        + " (fix: --add-config cleanup.policy=" + spec.cleanupPolicy().kafkaValue() + ")");
            }
            if (spec.cleanupPolicy() == TopicSpec.CleanupPolicy.DELETE) {
                long needed = Long.parseLong(spec.configs().get("retention.ms"));
                long has = Long.parseLong(value(config, "retention.ms", "-1"));
                if (has >= 0 && (needed < 0 || has < needed)) {
                    wrong.add(spec.name() + " keeps records for retention.ms=" + has + " but Ferry needs "
                            + (needed < 0 ? "forever (-1)" : needed) + " (fix: --add-config retention.ms=" + needed + ")");
                }
                long bytes = Long.parseLong(value(config, "retention.bytes", "-1"));
                // the rows' topics and those kept for ever (Debezium's schema history); not the lag's week of records
                if (bytes >= 0 && (spec.rows() || spec.retention().isEmpty())) {
                    // a size limit deletes the oldest records however young: a large snapshot's, before anyone read them
                    wrong.add(spec.name() + " deletes its oldest records past retention.bytes=" + bytes + " but Ferry needs no size"
                            + " limit (fix: --add-config retention.bytes=-1)");
                }
            }
            long maxMessage = Long.parseLong(value(config, "max.message.bytes", String.valueOf(spec.maxMessageBytes())));
            if (spec.rows() && maxMessage < spec.maxMessageBytes()) {
                // a change up to Ferry's largest record would be refused by the broker, and its stage would retry it for ever
                long fits = maxMessage - TopicSpec.BATCH_OVERHEAD_BYTES;
                wrong.add(spec.name() + " takes records up to max.message.bytes=" + maxMessage + " but Ferry writes up to "
                        + spec.maxMessageBytes() + " (fix: --add-config max.message.bytes=" + spec.maxMessageBytes()
                        + (fits >= io.ferry.core.config.PipelineOptions.MIN_RECORD_BYTES ? ", or lower kafka.max_record_size to "
                        + (fits / 1024) + "KiB or less" : "") + ")");
            }
        }
        if (!wrong.isEmpty()) {
            throw new TopicsMismatch("existing topics are set up differently from what Ferry needs: " + String.join("; ", wrong)
                    + ". Apply the fixes with kafka-configs --alter --entity-type topics --entity-name <topic>, "
                    + "or delete the topic if it holds nothing Ferry needs.");
        }
        refuseOtherPartitionCounts(admin, specs);
    }

    /**
     * Existing topics that differ from what the pipeline needs (a cleanup policy, retention, a partition count): a
     * configuration problem, which retrying does not fix; the message names each topic and the fix.
     */
    public static final class TopicsMismatch extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        public TopicsMismatch(String message) {
            super(message);
        }
    }

    private static String value(Config config, String key, String fallback) {
        return config == null || config.get(key) == null || config.get(key).value() == null ? fallback : config.get(key).value();
    }

    /**
     * Refuses existing topics whose partition count is not the one the pipeline file gives them: transform lays out its
     * inputs, the sweep's and the markers' partitions by that count, and the sinks count a marker's copies by it, so a
     * topic with more partitions would let markers (the lag's heartbeats, {@code cutover drain}) pass ahead of rows still on
     * the others, and one with fewer would hold them for ever.
     */
    private static void refuseOtherPartitionCounts(Admin admin, List<TopicSpec> specs) throws InterruptedException,
            ExecutionException, TimeoutException {
        var described = admin.describeTopics(specs.stream().map(TopicSpec::name).toList()).allTopicNames()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        List<String> wrong = new ArrayList<>();
        for (TopicSpec spec : specs) {
            int has = described.get(spec.name()).partitions().size();
            if (has != spec.partitions()) {
                wrong.add(spec.name() + " has " + has + " partitions, the pipeline asks for " + spec.partitions());
            }
        }
        if (!wrong.isEmpty()) {
            throw new TopicsMismatch("existing topics have another partition count than the pipeline's: " + String.join("; ", wrong)
                    + ". Ferry lays out its stages by the count (kafka.partitions for change and target topics, 1 for the"
                    + " pipeline's own topics): set kafka.partitions to the count the topics have; a pipeline's count cannot be"
                    + " changed once it ran (transform's state is laid out by it): to use another, run the migration under a new"
                    + " pipeline name.");
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    /** Kafka could not be reached, timed out, or refused a request. */
    public static final class TopicAdminException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TopicAdminException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
