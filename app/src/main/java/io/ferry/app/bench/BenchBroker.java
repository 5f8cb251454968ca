package io.ferry.app.bench;

import io.ferry.devstack.local.LocalKafka;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The peer's Kafka broker as a JVM of its own (devstack's single-node KRaft broker), as a team runs Kafka beside Kafka Connect,
 * so the peer's CPU and memory include its broker's, as Ferry's include its embedded one. Arguments: the log directory and the
 * port. Prints {@value #READY} and the bootstrap servers once it serves; stops on SIGTERM.
 */
public final class PeerBroker {

    static final String READY = "peer broker ready on";

    private PeerBroker() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 2) {
            System.err.println("usage: PeerBroker LOG_DIR PORT");
            System.exit(2);
        }
        LocalKafka kafka = LocalKafka.open(Path.of(args[0]), Integer.parseInt(args[1]));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            kafka.close();
            stopped.countDown();
        }, "peer-broker-stop"));
        System.out.println(READY + " " + kafka.bootstrapServers());
        System.out.flush();
        stopped.await();
    }
}
