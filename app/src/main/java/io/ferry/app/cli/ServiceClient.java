package io.ferry.app.cli;

import io.ferry.core.config.HttpSettings;
import io.ferry.core.config.PipelineLoader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * How a command reaches a running service's status server: {@code --url}, or the {@code http} section of
 * {@code --config} (which also gives the token). A picocli mixin.
 */
final class ServiceClient {

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "The pipeline file: the status server's address and token come from its http section.")
    Path config;

    @Option(names = "--url", paramLabel = "URL", description = "The service's status server (default: http://127.0.0.1:7878, or from --config).")
    String url;

    /** The answer's status code and body. */
    record Answer(int status, String body) {
    }

    Answer get(String path, Duration timeout) {
        return send(path, "GET", timeout);
    }

    Answer post(String path, Duration timeout) {
        return send(path, "POST", timeout);
    }

    /** An answer's body as JSON. */
    static com.fasterxml.jackson.databind.JsonNode json(String body) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(body);
        } catch (IOException e) {
            throw new Ferry.Unreachable("the service answered something that is not JSON: " + e.getMessage(), e);
        }
    }

    /** A refusal's or failure's reason: the service's JSON {@code reason}, else the body as it came (a proxy's page). */
    static String reason(Answer a) {
        try {
            String reason = new com.fasterxml.jackson.databind.ObjectMapper().readTree(a.body()).path("reason").asText("");
            return reason.isEmpty() ? a.body().trim() : reason;
        } catch (IOException e) {
            return a.body().trim();
        }
    }

    /** Where to connect for a bind address: a wildcard means this host; an IPv6 literal goes in brackets. */
    static String connectHost(String bind) {
        if (bind.equals("0.0.0.0")) {
            return "127.0.0.1";
        }
        if (bind.equals("::") || bind.equals("[::]")) {
            return "[::1]";
        }
        return bind.contains(":") && !bind.startsWith("[") ? "[" + bind + "]" : bind;
    }

    private Answer send(String path, String method, Duration timeout) {
        String base = url;
        Optional<String> token = Optional.empty();
        if (config != null) {
            HttpSettings http = PipelineLoader.standard().load(config).http();
            if (base == null && !http.enabled()) {
                // asking again cannot change it: exit 2, not 3 (a cutover script retries 3)
                throw new Ferry.UsageProblem(config + " sets http.enabled: false, so its service answers no commands: enable the"
                        + " status server (http.enabled: true), or give the address of one that answers with --url");
            }
            base = base != null ? base : "http://" + connectHost(http.bind()) + ":" + http.port();
            token = http.token().map(t -> t.reveal());
        }
        if (base == null) {
            base = "http://127.0.0.1:7878";
        }
        String target = base.replaceAll("/+$", "") + path;
        HttpRequest.Builder request;
        try {
            URI uri = URI.create(target);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException("not an http(s) URL with a host");
            }
            request = HttpRequest.newBuilder(uri).timeout(timeout).method(method, HttpRequest.BodyPublishers.noBody());
        } catch (IllegalArgumentException e) {
            throw new Ferry.UsageProblem((url != null ? "--url " + url : "the status server's address " + base) + ": " + e.getMessage()
                    + " (expected e.g. http://127.0.0.1:7878)");
        }
        token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
        try {
            HttpResponse<String> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                    .send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 401) {
                throw new Ferry.UsageProblem(target + " wants a bearer token: pass --config with the pipeline file that sets http.token");
            }
            return new Answer(response.statusCode(), response.body());
        } catch (java.net.http.HttpTimeoutException e) {
            if (e instanceof java.net.http.HttpConnectTimeoutException) {
                throw new Ferry.Unreachable("no Ferry service answers at " + target + " (" + e.getClass().getSimpleName() + ")", e);
            }
            // it took the request: a validation or drain that takes longer than asked
            throw new Ferry.Unreachable("the service at " + target + " did not answer within " + io.ferry.core.config.Durations.format(timeout)
                    + " (a longer --timeout waits longer)", e);
        } catch (IOException e) {
            throw new Ferry.Unreachable("no Ferry service answers at " + target + " (" + e.getClass().getSimpleName() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Ferry.Unreachable("interrupted", e);
        }
    }
}
