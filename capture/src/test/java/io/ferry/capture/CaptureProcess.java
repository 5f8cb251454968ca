package io.ferry.capture;

import io.ferry.core.config.KafkaSettings;
import io.ferry.core.config.Secret;
import io.ferry.core.config.SourceSettings;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A capture in its own JVM, for tests that kill it: args are engine (postgres, mariadb), pipeline, host,
 * port, database, user, password, Kafka bootstrap servers, table. Prints "capturing" once started and
 * runs until killed.
 */
public final class CaptureProcess {

    private CaptureProcess() {
    }

    public static void main(String[] args) throws Exception {
        String pipeline = args[1];
        SourceSettings source = new SourceSettings(args[0], args[2], Integer.parseInt(args[3]), args[4], args[5],
                Optional.of(new Secret(args[6])), List.of(args[8]), ZoneId.of("UTC"), false, "initial",
                "ferry_" + pipeline.replace('-', '_'), "ferry_" + pipeline.replace('-', '_'), 6150, Duration.ofMillis(500), "ferry");
        KafkaSettings kafka = new KafkaSettings(Optional.empty(), 3, Optional.empty(), Optional.empty(), Map.of());
        Capture capture = Capture.start(new CaptureSettings(pipeline, source, kafka, args[7]), null);
        System.out.println("capturing");
        System.out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(capture::close));
        Thread.sleep(Long.MAX_VALUE);
    }
}
