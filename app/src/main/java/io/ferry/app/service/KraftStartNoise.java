package io.ferry.app.service;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * Turns one ERROR the embedded Kafka logs at many of its starts into one INFO line: KRaft's broker registers with its
 * own controller a moment before that controller has activated, the controller answers {@code NotControllerException}
 * ("The active controller appears to be node 1"), Kafka's {@code ControllerApis} logs it as an unexpected error with a
 * stack trace, and the registration is retried and succeeds at once. An operator reading the log cannot tell that from
 * a real failure. Only that exact case is changed (the controller's request handler, a controller registration, that
 * exception in the chain); any other error of {@code ControllerApis} is logged as Kafka logs it.
 *
 * <p>Installed by Ferry's {@code logback.xml}; a logging configuration of one's own leaves it out.
 */
public final class KraftStartNoise extends TurboFilter {

    private static final String NOT_CONTROLLER = "org.apache.kafka.common.errors.NotControllerException";

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (level != Level.ERROR || logger == null || !logger.getName().endsWith(".ControllerApis") || format == null
                || !format.contains("apiKey=CONTROLLER_REGISTRATION") || !notController(t, params)) {
            return FilterReply.NEUTRAL;
        }
        // the filter's own context, not SLF4J's factory: it is made while logback configures itself
        logger.getLoggerContext().getLogger(EmbeddedKafka.class).info("embedded Kafka: the broker registered with its"
                + " controller before the controller was active; Kafka retries (it logs this as an ERROR, ControllerApis:"
                + " NotControllerException; nothing is wrong)");
        return FilterReply.DENY;
    }

    private static boolean notController(Throwable t, Object[] params) {
        if (t == null && params != null && params.length > 0 && params[params.length - 1] instanceof Throwable last) {
            t = last;
        }
        for (int depth = 0; t != null && depth < 10; t = t.getCause(), depth++) {
            if (t.getClass().getName().equals(NOT_CONTROLLER)) {
                return true;
            }
        }
        return false;
    }
}
