package io.ferry.app.service;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.errors.NotControllerException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class KraftStartNoiseTest {

    private static final String REGISTRATION = "[ControllerApis nodeId=1] Unexpected error handling request RequestHeader("
            + "apiKey=CONTROLLER_REGISTRATION, apiVersion=0, clientId=1, correlationId=0, headerVersion=2) -- "
            + "ControllerRegistrationRequestData(controllerId=1) with context RequestContext(...)";

    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    private final KraftStartNoise filter = new KraftStartNoise();
    private final ListAppender<ILoggingEvent> seen = new ListAppender<>();
    private final Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final Logger controllerApis = context.getLogger("kafka.server.ControllerApis");

    @BeforeEach
    void install() {
        filter.setContext(context);
        filter.start();
        context.addTurboFilter(filter);
        seen.setContext(context);
        seen.start();
        root.addAppender(seen);
    }

    @AfterEach
    void remove() {
        root.detachAppender(seen);
        context.getTurboFilterList().remove(filter);
    }

    @Test
    void theRegistrationRaceBecomesOneInfoLine() {
        controllerApis.error(REGISTRATION,
                new CompletionException(new NotControllerException("The active controller appears to be node 1.")));

        assertThat(levels()).doesNotContain(Level.ERROR);
        assertThat(seen.list).anySatisfy(e -> {
            assertThat(e.getLevel()).isEqualTo(Level.INFO);
            assertThat(e.getLoggerName()).isEqualTo(EmbeddedKafka.class.getName());
            assertThat(e.getFormattedMessage()).contains("registered with its controller before the controller was active");
        });
    }

    @Test
    void otherErrorsOfTheControllerPassAsKafkaLogsThem() {
        controllerApis.error(REGISTRATION, new CompletionException(new TimeoutException("no answer")));
        controllerApis.error("[ControllerApis nodeId=1] Unexpected error handling request RequestHeader("
                + "apiKey=CREATE_TOPICS, ...)", new NotControllerException("The active controller appears to be node 2."));
        context.getLogger("kafka.server.BrokerLifecycleManager").error(REGISTRATION, new NotControllerException("x"));

        assertThat(levels()).containsExactly(Level.ERROR, Level.ERROR, Level.ERROR);
    }

    @Test
    void ferrysLoggingConfigurationInstallsIt() throws Exception {
        LoggerContext fresh = new LoggerContext();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(fresh);
        try (var in = KraftStartNoise.class.getResourceAsStream("/logback.xml")) {
            configurator.doConfigure(in);
        }
        assertThat(fresh.getTurboFilterList()).hasAtLeastOneElementOfType(KraftStartNoise.class);
        fresh.stop();
    }

    private List<Level> levels() {
        return seen.list.stream().map(ILoggingEvent::getLevel).toList();
    }
}
