package io.ferry.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.core.ExitCode;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ferry resnapshot}: asks the running capture leader to read tables again. */
@Command(name = "resnapshot", mixinStandardHelpOptions = true,
        description = {"Asks the capture leader for an incremental snapshot of captured tables while their changes stream on: every",
            "row is read again and written to every target again, which repairs rows a target lost or that were changed there.",
            "Name the tables the mappings read from: re-reading only a child table writes only the documents it changes.",
            "Rows the source no longer has are not deleted from the targets (validation reports them). Returns once the",
            "snapshot is asked for; the status page shows its progress; run ferry validate after it. Exit 0 when asked, 2 when a pattern matches no",
            "captured table or the source is read-only, 3 when this process is not the capture leader or is unreachable."})
final class ResnapshotCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ServiceClient service;

    @Parameters(arity = "1..*", paramLabel = "TABLE",
            description = "Regular expressions over schema.table, as in source.tables (public.orders, 'shop\\.order_.*').")
    List<String> tables;

    @Override
    public Integer call() {
        String query = tables.stream().map(t -> "table=" + URLEncoder.encode(t, StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        ServiceClient.Answer a = service.post("/resnapshot?" + query, Duration.ofMinutes(1));
        String reason = ServiceClient.reason(a);
        if (a.status() == 400) {
            throw new Ferry.UsageProblem(reason);
        }
        if (a.status() != 202) {
            throw new Ferry.Unreachable("the service could not ask for the snapshot (HTTP " + a.status() + "): " + reason, null);
        }
        PrintWriter out = spec.commandLine().getOut();
        JsonNode requested = ServiceClient.json(a.body()).path("requested");
        out.println("re-snapshot requested: " + String.join(", ", texts(requested)));
        out.flush();
        return ExitCode.OK.code();
    }

    private static List<String> texts(JsonNode array) {
        java.util.ArrayList<String> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
