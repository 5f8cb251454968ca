package io.ferry.app.status;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.ferry.app.service.FerryService;
import io.ferry.app.service.Refused;
import io.ferry.core.config.HttpSettings;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.net.URLDecoder;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.concurrent.TimeoutException;
import io.ferry.core.config.Durations;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The status server: {@code /health} (the process lives), {@code /ready} (200 when the service says it is
 * ready, 503 with the reasons otherwise), {@code /status} (JSON), {@code /metrics} (Prometheus),
 * {@code POST /drain}, {@code /validate} and {@code /resnapshot?table=...}, and {@code /} (the status page). Every data path needs the bearer token when one is set; {@code /health} and the
 * page's static shell do not (the page reads the token from its URL fragment, {@code /#token=...}).
 */
public final class StatusServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StatusServer.class);
    /** Requests served at once, long ones (/validate, /drain) included; past that, new requests are refused until one ends. */
    private static final int MAX_REQUESTS = 64;

    private final HttpServer server;
    private final byte[] token;

    /** What {@code /ready} answers: null when ready, else the reasons, one per line. */
    public interface Readiness extends Supplier<String> {
    }

    public StatusServer(HttpSettings settings, FerryService service, PrometheusMeterRegistry metrics, Readiness readiness) {
        this.token = settings.token().map(t -> ("Bearer " + t.reveal()).getBytes(StandardCharsets.UTF_8)).orElse(null);
        try {
            server = HttpServer.create(new InetSocketAddress(settings.bind(), settings.port()), 16);
        } catch (IOException e) {
            // a taken port is http.port's; an address this host does not have (or cannot resolve) is http.bind's
            String fix = e instanceof java.net.BindException && String.valueOf(e.getMessage()).contains("in use")
                    ? "set http.port to a free port" : "set http.bind to an address of this host (0.0.0.0 for all), or http.port to a free port";
            throw new IllegalStateException("cannot serve status on " + settings.bind() + ":" + settings.port() + " (" + e.getMessage()
                    + "); " + fix + ", or http.enabled: false", e);
        }
        // /validate and /drain hold their thread for as long as they take (minutes to hours): with a small fixed pool a
        // few of them left /health, /ready and /status unanswered, so a liveness probe restarted the service mid-cutover
        server.setExecutor(new java.util.concurrent.ThreadPoolExecutor(4, MAX_REQUESTS, 60, java.util.concurrent.TimeUnit.SECONDS,
                new java.util.concurrent.SynchronousQueue<>(), r -> {
                    Thread t = new Thread(r, "ferry-http");
                    t.setDaemon(true);
                    return t;
                }));
        server.createContext("/health", x -> respond(x, 200, "application/json", "{\"status\":\"UP\"}\n"));
        server.createContext("/ready", x -> guarded(x, () -> {
            String reasons = readiness.get();
            if (reasons == null) {
                respond(x, 200, "text/plain; charset=utf-8", "READY\n");
            } else {
                respond(x, 503, "text/plain; charset=utf-8", "NOT_READY\n" + reasons + "\n");
            }
        }));
        server.createContext("/status", x -> guarded(x, () -> respond(x, 200, "application/json", StatusReport.json(service))));
        server.createContext("/metrics", x -> guarded(x, () -> respond(x, 200, "text/plain; version=0.0.4; charset=utf-8",
                metrics.scrape())));
        server.createContext("/drain", x -> guarded(x, () -> {
            if (!x.getRequestMethod().equals("POST")) {
                respond(x, 405, "text/plain", "POST /drain?timeout=300s\n");
                return;
            }
            Duration timeout = query(x, "timeout").map(Durations::parse).orElse(Duration.ofMinutes(5));
            try {
                long id = service.drain(timeout);
                respond(x, 200, "application/json", "{\"drained\":true,\"heartbeat\":" + id + "}\n");
            } catch (TimeoutException e) {
                respond(x, 504, "application/json", "{\"drained\":false,\"reason\":" + quote(e.getMessage()) + "}\n");
            } catch (Refused e) {
                respond(x, 409, "application/json", "{\"drained\":false,\"reason\":" + quote(e.getMessage()) + "}\n");
            } catch (IllegalStateException e) {
                // the source or Kafka unreachable, lag tracking stopped: may pass
                respond(x, 503, "application/json", "{\"drained\":false,\"reason\":" + quote(e.getMessage()) + "}\n");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                respond(x, 503, "application/json", "{\"drained\":false,\"reason\":\"the service is stopping\"}\n");
            }
        }));
        server.createContext("/validate", x -> guarded(x, () -> {
            if (!x.getRequestMethod().equals("POST")) {
                respond(x, 405, "text/plain", "POST /validate\n");
                return;
            }
            try {
                respond(x, 200, "application/json", service.validate().json().toPrettyString() + "\n");
            } catch (Refused e) {
                respond(x, 409, "application/json", "{\"reason\":" + quote(e.getMessage()) + "}\n");
            } catch (IllegalStateException e) {
                respond(x, 503, "application/json", "{\"reason\":" + quote(e.getMessage()) + "}\n");
            }
        }));
        server.createContext("/resnapshot", x -> guarded(x, () -> {
            if (!x.getRequestMethod().equals("POST")) {
                respond(x, 405, "text/plain", "POST /resnapshot?table=public.orders&table=public.order_items\n");
                return;
            }
            try {
                List<String> patterns = queryAll(x, "table").stream().map(String::strip).filter(t -> !t.isEmpty()).toList();
                List<String> asked = service.resnapshot(patterns).stream().map(Object::toString).toList();
                respond(x, 202, "application/json", "{\"requested\":[" + asked.stream().map(StatusServer::quote)
                        .collect(Collectors.joining(",")) + "]}\n");
            } catch (IllegalArgumentException e) {
                respond(x, 400, "application/json", "{\"reason\":" + quote(e.getMessage()) + "}\n");
            } catch (IllegalStateException e) {
                respond(x, 409, "application/json", "{\"reason\":" + quote(e.getMessage()) + "}\n");
            }
        }));
        // the page is a static shell holding no data (it reads /status), so it needs no token itself
        server.createContext("/", x -> {
            try (x) {
                if (!x.getRequestURI().getPath().equals("/")) {
                    respond(x, 404, "text/plain", "not found\n");
                    return;
                }
                respond(x, 200, "text/html; charset=utf-8", page());
            }
        });
    }

    public StatusServer start() {
        server.start();
        log.info("status page on http://{}:{}/", server.getAddress().getHostString(), port());
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private interface Handler {
        void handle() throws IOException;
    }

    private void guarded(HttpExchange x, Handler h) throws IOException {
        try {
            if (token != null) {
                String given = x.getRequestHeaders().getFirst("Authorization");
                if (given == null || !MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8))) {
                    x.getResponseHeaders().add("WWW-Authenticate", "Bearer");
                    respond(x, 401, "text/plain", "a bearer token is required (http.token)\n");
                    return;
                }
            }
            h.handle();
        } catch (RuntimeException e) {
            log.error("status server: {} failed", x.getRequestURI(), e);
            respond(x, 500, "text/plain", "internal error: " + e.getMessage() + "\n");
        } finally {
            x.close();
        }
    }

    private static Optional<String> query(HttpExchange x, String name) {
        return queryAll(x, name).stream().findFirst();
    }

    /** Every value of a query parameter, in order. */
    private static List<String> queryAll(HttpExchange x, String name) {
        String q = x.getRequestURI().getRawQuery();
        if (q == null) {
            return List.of();
        }
        List<String> values = new java.util.ArrayList<>();
        for (String part : q.split("&")) {
            int eq = part.indexOf('=');
            if (eq > 0 && part.substring(0, eq).equals(name)) {
                values.add(URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return values;
    }

    private static String quote(String s) {
        return com.fasterxml.jackson.databind.node.TextNode.valueOf(s == null ? "" : s).toString();
    }

    private static void respond(HttpExchange x, int code, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", type);
        x.getResponseHeaders().set("Cache-Control", "no-store");
        x.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String page() throws IOException {
        try (InputStream in = StatusServer.class.getResourceAsStream("status.html")) {
            if (in == null) {
                throw new IllegalStateException("status.html is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
