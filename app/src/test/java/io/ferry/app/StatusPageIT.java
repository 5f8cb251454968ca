package io.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The status page in a real browser (headless Chromium) against a stand-in for the service's {@code /status}: what it
 * shows when the service stops answering, and how it draws a lag nobody knows. (FerryServiceIT loads it against the
 * real service.)
 */
class StatusPageIT {

    /** A /status document of one sink table with this lag (null: unknown) and this gate. */
    private static String status(Long lagMs, String gate) {
        return """
                {"pipeline": "page-it", "time": "2026-11-25T12:00:00Z", "roles": ["capture", "validate"], "process": "p1",
                 "gate": {"state": "%s", "reasons": []},
                 "lag": [{"sink": "pg", "table": "users", "lagMs": %s, "level": "ok", "state": "OK"}],
                 "stages": [{"stage": "capture", "state": "RUNNING", "detail": "", "healthy": true}],
                 "snapshot": [], "sinks": [], "processes": []}
                """.formatted(gate, lagMs == null ? "null" : lagMs.toString());
    }

    /** Serves the page, and each /status request's answer by its number (0, 1, ...): a body, or null for a 503. */
    private static String dom(IntFunction<String> answers) throws Exception {
        byte[] page;
        try (InputStream in = StatusPageIT.class.getResourceAsStream("/io/ferry/app/status/status.html")) {
            page = in.readAllBytes();
        }
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        AtomicInteger asked = new AtomicInteger();
        server.createContext("/status", x -> {
            String body = answers.apply(asked.getAndIncrement());
            byte[] bytes = (body == null ? "unavailable" : body).getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().set("Content-Type", body == null ? "text/plain" : "application/json");
            x.sendResponseHeaders(body == null ? 503 : 200, bytes.length);
            x.getResponseBody().write(bytes);
            x.close();
        });
        server.createContext("/", x -> {
            x.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            x.sendResponseHeaders(200, page.length);
            x.getResponseBody().write(page);
            x.close();
        });
        server.start();
        try {
            String dom = HeadlessChromium.dom("http://127.0.0.1:" + server.getAddress().getPort() + "/", 9000);
            assertThat(asked.get()).as("the page asked /status more than once").isGreaterThan(2);
            return dom;
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aServiceThatStopsAnsweringLeavesNoReadyShown() throws Exception {
        String dom = dom(n -> n == 0 ? status(1_200L, "READY") : null);
        assertThat(dom).contains("<span id=\"gate\" class=\"gate UNKNOWN\">UNKNOWN</span>");
        assertThat(dom).contains("the service does not answer");
        assertThat(dom).containsPattern("<body[^>]*class=\"stale\"");
        assertThat(dom).doesNotContain(">READY<");
    }

    @Test
    void anUnknownLagBreaksTheLineInsteadOfDrawingZero() throws Exception {
        String dom = dom(n -> status(n == 2 ? null : 1_000L + 500L * n, "NOT_READY"));
        String chart = dom.substring(dom.indexOf("<svg id=\"chart\""), dom.indexOf("</svg>"));
        Matcher lines = Pattern.compile("<polyline ").matcher(chart);
        int count = 0;
        while (lines.find()) {
            count++;
        }
        assertThat(count).as("two runs of points around the unknown one: " + chart).isEqualTo(2);
        assertThat(dom).contains("<span id=\"gate\" class=\"gate NOT_READY\">NOT_READY</span>");
        assertThat(dom).doesNotContainPattern("<body[^>]*class=\"stale\"");
    }
}
