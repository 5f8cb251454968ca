package io.ferry.app.demo;

import io.ferry.devstack.MongoService;
import io.ferry.devstack.PostgresService;
import java.nio.file.Path;

/** The demo's pipeline file: PostgreSQL users, sessions and events into PostgreSQL tables and MongoDB documents. */
final class DemoPipeline {

    private DemoPipeline() {
    }

    static String yaml(Path dataDir, PostgresService pg, MongoService mongo, int httpPort) {
        return """
                # Written by `ferry demo`; try `bin/ferry config check %1$s/pipeline.yaml`.
                pipeline:
                  name: demo
                  data_dir: %1$s/state
                kafka:
                  partitions: 3        # no bootstrap_servers: an embedded Kafka under data_dir
                source:
                  type: postgres
                  host: %2$s
                  port: %3$d
                  database: demo_source
                  user: %4$s
                  password: %5$s
                  tables: [public.users, public.user_sessions, public.user_events]
                  heartbeat: {interval: 1s}
                sinks:
                  - name: pg
                    type: postgres
                    url: jdbc:postgresql://%2$s:%3$d/demo_target
                    user: %4$s
                    password: %5$s
                  - name: mongo
                    type: mongodb
                    uri: %6$s
                    database: demo
                mappings:
                  # PostgreSQL: users with an aggregate of their sessions (a lookup join kept up to date)
                  - to: users
                    from: public.users
                    sinks: [pg]
                    related:
                      sessions: {from: public.user_sessions, on: {user_id: user_id}}
                    columns:
                      user_id: user_id
                      email: email
                      name: name
                      created_at: created_at
                      session_count: count(sessions)
                      last_login: max(sessions.last_activity)
                  - to: user_events
                    from: public.user_events
                    sinks: [pg]
                    columns:
                      event_id: event_id
                      user_id: user_id
                      event_type: event_type
                      event_date: "date(created_at, 'UTC')"
                      event_data: event_data
                      created_at: created_at
                  # MongoDB: one document per user, its sessions nested and patched in place
                  - name: users-documents
                    to: users
                    from: public.users
                    sinks: [mongo]
                    columns:
                      _id: user_id
                      email: email
                      profile:
                        group:
                          name: name
                          created_at: created_at
                      sessions:
                        nest:
                          from: public.user_sessions
                          on: {user_id: user_id}
                          key: [session_id]
                          columns:
                            session_id: session_id
                            device: device_info
                            last_activity: last_activity
                validation:
                  lag_threshold: 3s
                  stable_for: 10s
                http:
                  port: %7$d
                """.formatted(dataDir.toAbsolutePath(), pg.host(), pg.port(), pg.user(), pg.password(), mongo.connectionString(),
                httpPort);
    }
}
