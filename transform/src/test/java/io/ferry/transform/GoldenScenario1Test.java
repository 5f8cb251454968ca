package io.ferry.transform;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.event.ChangeEvent;
import io.ferry.core.event.TargetEvent;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SCENARIOS.md 1: PostgreSQL users, sessions and events into Cassandra's users (with session_count,
 * last_login, last_device_info), user_events_by_user (with the user's email and latest device) and
 * events_by_type.
 */
class GoldenScenario1Test {

    private TopologyHarness h;

    @BeforeEach
    void start() {
        h = new TopologyHarness(TopologyHarness.resource("scenario1/pipeline.yaml"), List.of())
                .key("public.users", "user_id").key("public.user_sessions", "session_id").key("public.user_events", "event_id");
    }

    @AfterEach
    void stop() {
        h.close();
    }

    private static final String ALICE = "{\"user_id\":1,\"email\":\"alice@x.io\",\"name\":\"Alice\",\"created_at\":\"2024-03-01T08:00:00.000000\"}";
    private static final String S1 = "{\"session_id\":\"00000000-0000-0000-0000-0000000000a1\",\"user_id\":1,"
            + "\"device_info\":\"{\\\"os\\\": \\\"ios\\\"}\",\"created_at\":\"2024-03-15T09:00:00.000000\","
            + "\"last_activity\":\"2024-03-15T10:00:00.000000\"}";
    private static final String S2 = "{\"session_id\":\"00000000-0000-0000-0000-0000000000a2\",\"user_id\":1,"
            + "\"device_info\":\"{\\\"os\\\": \\\"android\\\"}\",\"created_at\":\"2024-03-16T09:00:00.000000\","
            + "\"last_activity\":\"2024-03-16T11:00:00.000000\"}";
    private static final String E1 = "{\"event_id\":\"00000000-0000-0000-0000-0000000000e1\",\"user_id\":1,\"event_type\":\"login\","
            + "\"event_data\":\"{\\\"ip\\\": \\\"10.0.0.1\\\"}\",\"created_at\":\"2024-03-15T23:30:00.000000\"}";

    private static final String USER_KEY = "{\"user_id\":1}";
    private static final String E1_BY_USER_KEY = "{\"user_id\":1,\"event_date\":\"2024-03-15\",\"event_time\":\"2024-03-15T23:30:00.000000\","
            + "\"event_id\":\"00000000-0000-0000-0000-0000000000e1\"}";

    private void snapshot() {
        h.read("public.users", ALICE);
        h.read("public.user_sessions", S1);
        h.read("public.user_events", E1);
    }

    @Test
    void snapshotBuildsAggregatesAndJoins() {
        snapshot();
        assertThat(h.drain()).containsExactly(
                "upsert cassandra.users " + USER_KEY + " {\"user_id\":1,\"email\":\"alice@x.io\",\"name\":\"Alice\","
                        + "\"created_at\":\"2024-03-01T08:00:00.000000\",\"session_count\":0,\"last_login\":null,\"last_device_info\":null}",
                "upsert cassandra.users " + USER_KEY + " {\"user_id\":1,\"email\":\"alice@x.io\",\"name\":\"Alice\","
                        + "\"created_at\":\"2024-03-01T08:00:00.000000\",\"session_count\":1,\"last_login\":\"2024-03-15T10:00:00.000000\","
                        + "\"last_device_info\":\"{\\\"os\\\": \\\"ios\\\"}\"}",
                "upsert cassandra.user_events_by_user " + E1_BY_USER_KEY + " {\"user_id\":1,\"event_date\":\"2024-03-15\","
                        + "\"event_time\":\"2024-03-15T23:30:00.000000\",\"event_id\":\"00000000-0000-0000-0000-0000000000e1\","
                        + "\"event_type\":\"login\",\"event_data\":\"{\\\"ip\\\": \\\"10.0.0.1\\\"}\",\"user_email\":\"alice@x.io\","
                        + "\"device_info\":\"{\\\"os\\\": \\\"ios\\\"}\"}",
                "upsert cassandra.events_by_type {\"event_type\":\"login\",\"event_date\":\"2024-03-15\",\"event_time\":"
                        + "\"2024-03-15T23:30:00.000000\",\"event_id\":\"00000000-0000-0000-0000-0000000000e1\"} {\"event_type\":\"login\","
                        + "\"event_date\":\"2024-03-15\",\"event_time\":\"2024-03-15T23:30:00.000000\","
                        + "\"event_id\":\"00000000-0000-0000-0000-0000000000e1\",\"user_id\":1,\"event_data\":\"{\\\"ip\\\": \\\"10.0.0.1\\\"}\"}");
    }

    @Test
    void parentChangeReachesEveryJoinedEventButNotTheOtherTable() {
        snapshot();
        h.drain();
        h.update("public.users", ALICE.replace("alice@x.io", "alice@new.io"));
        List<String> out = h.drain();
        assertThat(out).hasSize(2);
        assertThat(out.get(0)).startsWith("upsert cassandra.users " + USER_KEY).contains("\"email\":\"alice@new.io\"");
        assertThat(out.get(1)).startsWith("upsert cassandra.user_events_by_user " + E1_BY_USER_KEY)
                .contains("\"user_email\":\"alice@new.io\"");
    }

    @Test
    void changesArrivingOutOfStampOrderAreAppliedInSourceOrder() {
        snapshot();
        h.drain();
        // two sessions of one user, the one with the later stamp delivered first (as from another partition): the funnel
        // holds both until every input has passed them, then applies them in capture's order
        long later = 1_800_000_000_000_000L;
        h.send("public.user_sessions", ChangeEvent.Op.CREATE, S2, later);
        h.send("public.user_sessions", ChangeEvent.Op.CREATE, S2.replace("a2\"", "a3\""), later - 5_000_000);
        List<TargetEvent> users = h.events("cassandra", "users");
        assertThat(users).hasSize(2);
        assertThat(((TargetEvent.Upsert) users.get(0)).row().get("session_count").asLong()).isEqualTo(2);
        assertThat(((TargetEvent.Upsert) users.get(1)).row().get("session_count").asLong()).isEqualTo(3);
        // Cassandra keeps the write with the highest timestamp: the newer aggregate carries the higher stamp
        assertThat(users.get(0).source().stampUs()).isEqualTo(later - 5_000_000);
        assertThat(users.get(1).source().stampUs()).isEqualTo(later);
        assertThat(h.events("cassandra", "user_events_by_user")).extracting(e -> e.source().stampUs()).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void newerSessionUpdatesTheAggregatesAndTheEventsDevice() {
        snapshot();
        h.drain();
        h.insert("public.user_sessions", S2);
        List<String> out = h.drain();
        assertThat(out).hasSize(2);
        assertThat(out.get(0)).contains("\"session_count\":2", "\"last_login\":\"2024-03-16T11:00:00.000000\"",
                "\"last_device_info\":\"{\\\"os\\\": \\\"android\\\"}\"");
        assertThat(out.get(1)).startsWith("upsert cassandra.user_events_by_user").contains("\"device_info\":\"{\\\"os\\\": \\\"android\\\"}\"");
        // deleting the newer session brings the older one back as the latest
        h.delete("public.user_sessions", "{\"session_id\":\"00000000-0000-0000-0000-0000000000a2\"}");
        out = h.drain();
        assertThat(out.get(0)).contains("\"session_count\":1", "\"last_login\":\"2024-03-15T10:00:00.000000\"");
        assertThat(out.get(1)).contains("\"device_info\":\"{\\\"os\\\": \\\"ios\\\"}\"");
    }

    @Test
    void eventWhoseTypeOrTimeChangesMovesBetweenPartitions() {
        snapshot();
        h.drain();
        h.update("public.user_events", E1.replace("\"login\"", "\"purchase\""));
        List<String> out = h.drain();
        assertThat(out).hasSize(3);
        assertThat(out.get(0)).startsWith("upsert cassandra.user_events_by_user " + E1_BY_USER_KEY).contains("\"event_type\":\"purchase\"");
        assertThat(out.get(1)).isEqualTo("delete cassandra.events_by_type {\"event_type\":\"login\",\"event_date\":\"2024-03-15\","
                + "\"event_time\":\"2024-03-15T23:30:00.000000\",\"event_id\":\"00000000-0000-0000-0000-0000000000e1\"}");
        assertThat(out.get(2)).startsWith("upsert cassandra.events_by_type {\"event_type\":\"purchase\",\"event_date\":\"2024-03-15\"");
        // half an hour later is the next UTC day: a new partition in both tables
        h.update("public.user_events", E1.replace("\"login\"", "\"purchase\"").replace("2024-03-15T23:30", "2024-03-16T00:00"));
        out = h.drain();
        assertThat(out).hasSize(4);
        assertThat(out.get(0)).isEqualTo("delete cassandra.user_events_by_user " + E1_BY_USER_KEY);
        assertThat(out.get(1)).startsWith("upsert cassandra.user_events_by_user {\"user_id\":1,\"event_date\":\"2024-03-16\"");
        assertThat(out.get(2)).startsWith("delete cassandra.events_by_type {\"event_type\":\"purchase\",\"event_date\":\"2024-03-15\"");
        assertThat(out.get(3)).startsWith("upsert cassandra.events_by_type {\"event_type\":\"purchase\",\"event_date\":\"2024-03-16\"");
    }

    @Test
    void deletingTheUserDeletesItsRowAndBlanksTheJoinedEmailButKeepsEvents() {
        snapshot();
        h.drain();
        h.delete("public.users", USER_KEY);
        List<String> out = h.drain();
        assertThat(out).hasSize(2);
        assertThat(out.get(0)).isEqualTo("delete cassandra.users " + USER_KEY);
        assertThat(out.get(1)).startsWith("upsert cassandra.user_events_by_user " + E1_BY_USER_KEY).contains("\"user_email\":null");
        h.delete("public.user_events", "{\"event_id\":\"00000000-0000-0000-0000-0000000000e1\"}");
        assertThat(h.drain()).extracting(l -> l.substring(0, l.indexOf(" {"))).containsExactly(
                "delete cassandra.user_events_by_user", "delete cassandra.events_by_type");
    }

    @Test
    void markersPassOnceEveryInputDeliveredThem() {
        snapshot();
        h.drain();
        h.marker(7, "public.users", "public.user_sessions");
        assertThat(h.drain()).as("user_events has not delivered marker 7 yet").isEmpty();
        h.marker(7, "public.user_events");
        assertThat(h.drain()).containsExactly("marker cassandra.users 7 from 0/1", "marker cassandra.user_events_by_user 7 from 0/1",
                "marker cassandra.events_by_type 7 from 0/1");
    }
}
