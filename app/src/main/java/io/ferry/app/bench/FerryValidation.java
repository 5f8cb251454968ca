package io.ferry.app.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Asks the running Ferry for one validation ({@code POST /validate}, what {@code ferry validate} does) and times it: every
 * source row read, mapped and compared with the target's row.
 */
final class FerryValidation {

    private FerryValidation() {
    }

    /** @throws BenchAborted when the service did not answer with a report within {@code timeout} */
    static BenchResult.Validation run(int httpPort, Duration timeout) throws BenchAborted, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/validate"))
                .POST(HttpRequest.BodyPublishers.noBody()).timeout(timeout).build();
        long t0 = System.nanoTime();
        HttpResponse<String> response;
        try {
            response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new BenchAborted("Ferry's validation did not answer: " + e.getMessage(), e);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (response.statusCode() != 200) {
            throw new BenchAborted("Ferry's validation failed (HTTP " + response.statusCode() + "): " + response.body().trim(), null);
        }
        JsonNode report;
        try {
            report = new ObjectMapper().readTree(response.body());
        } catch (IOException e) {
            throw new BenchAborted("Ferry's validation answered something that is not JSON: " + e.getMessage(), e);
        }
        long sourceRows = 0;
        long targetRows = 0;
        for (JsonNode t : report.path("tables")) {
            sourceRows += t.path("sourceRows").asLong();
            targetRows += t.path("targetRows").asLong();
        }
        boolean clean = report.path("clean").asBoolean(false);
        return new BenchResult.Validation(sourceRows, targetRows, Bench.round(seconds), Math.round(sourceRows / seconds), clean,
                report.path("summary").asText());
    }
}
