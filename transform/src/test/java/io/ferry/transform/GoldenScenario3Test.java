package io.ferry.transform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** SCENARIOS.md 3: renames, the status value map, and JSON columns split into their own tables. */
class GoldenScenario3Test {

    private TopologyHarness h;

    @BeforeEach
    void start() {
        h = new TopologyHarness(TopologyHarness.resource("scenario3/pipeline.yaml"), List.of()).key("public.accounts", "user_id");
    }

    @AfterEach
    void stop() {
        h.close();
    }

    private static final String ACCOUNT = "{\"user_id\":1,\"email\":\"a@x.io\",\"created_date\":\"2024-01-02T03:04:05.000000\","
            + "\"modified_date\":null,\"status\":\"%s\",\"profile_data\":%s,\"settings_data\":%s}";

    private static String account(String status, String profile, String settings) {
        return String.format(ACCOUNT, status, profile, settings);
    }

    @Test
    void snapshotRowRenamesMapsAndSplits() {
        h.read("public.accounts", account("new", "\"{\\\"first_name\\\":\\\"Ada\\\",\\\"last_name\\\":\\\"L\\\"}\"",
                "\"{\\\"theme\\\":\\\"dark\\\"}\""));
        assertThat(h.drain()).containsExactly(
                "upsert mariadb.accounts {\"id\":1} {\"id\":1,\"email\":\"a@x.io\","
                        + "\"created_at\":\"2024-01-02T03:04:05.000000\",\"updated_at\":null,\"status\":\"pending\"}",
                "upsert mariadb.user_profiles {\"user_id\":1} {\"user_id\":1,\"first_name\":\"Ada\",\"last_name\":\"L\",\"avatar_url\":null}",
                "upsert mariadb.user_settings {\"user_id\":1} {\"user_id\":1,\"theme\":\"dark\",\"notifications_enabled\":true}");
    }

    @Test
    void aChangeThatCannotBeMappedIsDeadLetteredAndLeavesTheTargetRowAsItWas() {
        h.insert("public.accounts", account("new", "null", "\"{\\\"theme\\\":\\\"dark\\\"}\""));
        h.drain();
        // notifications_enabled is cast to boolean: "maybe" cannot be
        h.update("public.accounts", account("new", "null", "\"{\\\"theme\\\":\\\"dark\\\",\\\"notifications_enabled\\\":\\\"maybe\\\"}\""));
        assertThat(h.deadLetters()).singleElement().satisfies(d -> assertThat(d.reason()).contains("user_settings"));
        assertThat(h.drain()).as("no delete of the split row the bad change came from").noneMatch(line -> line.startsWith("delete"));
        // once the source is repaired, the row follows
        h.update("public.accounts", account("new", "null", "\"{\\\"notifications_enabled\\\":false}\""));
        assertThat(h.drain()).containsExactly(
                "upsert mariadb.user_settings {\"user_id\":1} {\"user_id\":1,\"theme\":\"light\",\"notifications_enabled\":false}");
    }

    /**
     * A row dead-lettered for a value, then deleted: the target row an earlier version of it wrote goes too (its key
     * columns still map). Before, the mapping of the row before the delete failed, no delete went out, and the target row
     * stayed for good.
     */
    @Test
    void aDeadLetteredRowThatIsThenDeletedLeavesNoTargetRowBehind() {
        h.insert("public.accounts", account("new", "null", "\"{\\\"theme\\\":\\\"dark\\\"}\""));
        h.drain();
        h.update("public.accounts", account("new", "null", "\"{\\\"theme\\\":\\\"dark\\\",\\\"notifications_enabled\\\":\\\"maybe\\\"}\""));
        assertThat(h.deadLetters()).singleElement().satisfies(d -> assertThat(d.reason()).contains("user_settings"));
        h.drain();
        h.delete("public.accounts", "{\"user_id\":1}");
        assertThat(h.drain()).contains("delete mariadb.user_settings {\"user_id\":1}", "delete mariadb.accounts {\"id\":1}");
    }

    @Test
    void valueMapCoversEveryRenamedStatusAndPassesOthersThrough() {
        h.insert("public.accounts", account("in_progress", "null", "null"));
        h.update("public.accounts", account("completed", "null", "null"));
        h.update("public.accounts", account("archived", "null", "null"));
        assertThat(h.drain()).extracting(l -> l.replaceAll(".*\"status\":\"([a-z_]+)\".*", "$1"))
                .containsExactly("processing", "delivered", "archived");
    }

    @Test
    void jsonColumnBecomingNullDeletesItsSplitRowAndDefaultsFillMissingKeys() {
        h.insert("public.accounts", account("new", "\"{\\\"first_name\\\":\\\"Ada\\\"}\"", "\"{}\""));
        assertThat(h.drain()).contains(
                "upsert mariadb.user_settings {\"user_id\":1} {\"user_id\":1,\"theme\":\"light\",\"notifications_enabled\":true}");
        h.update("public.accounts", account("new", "null", "\"{\\\"notifications_enabled\\\":false}\""));
        assertThat(h.drain()).containsExactly(
                "delete mariadb.user_profiles {\"user_id\":1}",
                "upsert mariadb.user_settings {\"user_id\":1} {\"user_id\":1,\"theme\":\"light\",\"notifications_enabled\":false}");
    }

    @Test
    void unchangedTargetRowsAreNotRewrittenButAKeyChangeMovesEveryRow() {
        h.insert("public.accounts", account("new", "null", "\"{}\""));
        h.drain();
        // a change only to a column no target carries (settings stay the same) writes nothing
        h.update("public.accounts", account("new", "null", "\"{\\\"unrelated\\\":1}\""));
        assertThat(h.drain()).isEmpty();
        // PostgreSQL logs a primary key change as a delete and an insert
        h.delete("public.accounts", "{\"user_id\":1}");
        h.insert("public.accounts", account("new", "null", "\"{}\"").replace("\"user_id\":1", "\"user_id\":2"));
        assertThat(h.drain()).containsExactly(
                "delete mariadb.accounts {\"id\":1}",
                "upsert mariadb.accounts {\"id\":2} {\"id\":2,\"email\":\"a@x.io\",\"created_at\":\"2024-01-02T03:04:05.000000\","
                        + "\"updated_at\":null,\"status\":\"pending\"}",
                "delete mariadb.user_settings {\"user_id\":1}",
                "upsert mariadb.user_settings {\"user_id\":2} {\"user_id\":2,\"theme\":\"light\",\"notifications_enabled\":true}");
    }
}
