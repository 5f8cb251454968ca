package io.ferry.app.bench;

import io.ferry.devstack.local.LocalKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A Kafka broker as a JVM of its own (devstack's single-node KRaft broker), as a team runs Kafka beside Kafka Connect: the peer's
 * always, Ferry's with {@code --ferry-kafka external}. The contender it serves counts its CPU and memory as its own, as Ferry's
 * count its embedded one. It is started before the phases and stays up while the contender restarts. As a main class, its
 * arguments are the log directory and the port; it prints {@value #READY} and the bootstrap servers once it serves, and stops
 * on SIGTERM.
 */
public final class BenchBroker {

    static final String READY = "bench broker ready on";
    /** Kafka's {@code kafka-server-start.sh} default ({@code KAFKA_HEAP_OPTS}). */
    static final List<String> JVM_OPTIONS = List.of("-Xms1g", "-Xmx1g");
    private static final Duration START = Duration.ofMinutes(2);

    private BenchBroker() {
    }

    /** The broker's JVM, not started: its log directory {@code dir/kafka}, its output {@code dir/broker.log}. */
    static JavaProcess process(String name, Path dir, int port) {
        return new JavaProcess(name, System.getProperty("java.class.path"), BenchBroker.class.getName(), JVM_OPTIONS,
                List.of(dir.resolve("kafka").toString(), Integer.toString(port)), dir.resolve("broker.log"));
    }

    /** Starts the broker and waits until it serves; a team's Kafka is up before it deploys a pipeline, so this is not timed. */
    static void start(JavaProcess broker) throws BenchAborted {
        broker.start();
        try {
            broker.awaitLine(READY, START);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchAborted("interrupted while " + broker.name() + " started", e);
        }
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 2) {
            System.err.println("usage: BenchBroker LOG_DIR PORT");
            System.exit(2);
        }
        LocalKafka kafka = LocalKafka.open(Path.of(args[0]), Integer.parseInt(args[1]));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            kafka.close();
            stopped.countDown();
        }, "bench-broker-stop"));
        System.out.println(READY + " " + kafka.bootstrapServers());
        System.out.flush();
        stopped.await();
    }
}
