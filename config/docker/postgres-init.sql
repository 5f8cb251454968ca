-- Seeds the docker-compose PostgreSQL on its first start (docker-entrypoint-initdb.d runs it with psql as the
-- superuser, connected to database `app`; it does not run again while the postgres-data volume exists).
--
--   * Ferry's capture user `ferry`, with what capture needs;
--   * golden scenario 1 (users, user_sessions, user_events) and scenario 3 (accounts), with a few rows;
--   * empty target databases for the examples that write into PostgreSQL.
--
-- The server itself runs with wal_level=logical (docker-compose.yml passes it on the command line).

-- psql 15+: the password comes from the container's environment, never from this file.
\getenv ferry_password FERRY_PASSWORD

-- LOGIN + REPLICATION: logical decoding through a replication slot. (A logical replication connection
-- names its database, so pg_hba.conf's ordinary `host all all all` line admits it; no `replication` line.)
CREATE ROLE ferry LOGIN REPLICATION PASSWORD :'ferry_password';

-- The tables belong to an application role, as they would in production. Ferry creates a publication FOR
-- these tables, which PostgreSQL allows only to their owner: membership in the owning role counts.
CREATE ROLE app_owner NOLOGIN;
GRANT app_owner TO ferry;
-- CREATE on the database: for the publication, and for Ferry's `ferry` schema (heartbeat and signal tables).
GRANT CREATE ON DATABASE app TO ferry;

-- Golden scenario 1: the source of postgres-to-cassandra, postgres-to-postgres and
-- postgres-fan-out.
CREATE TABLE users (
  user_id    SERIAL PRIMARY KEY,
  email      VARCHAR(255) UNIQUE NOT NULL,
  name       VARCHAR(255) NOT NULL,
  created_at TIMESTAMP DEFAULT now()
);
CREATE TABLE user_sessions (
  session_id    UUID PRIMARY KEY,
  user_id       INTEGER REFERENCES users(user_id),
  device_info   JSONB,
  created_at    TIMESTAMP DEFAULT now(),
  last_activity TIMESTAMP DEFAULT now()
);
CREATE TABLE user_events (
  event_id   UUID PRIMARY KEY,
  user_id    INTEGER REFERENCES users(user_id),
  event_type VARCHAR(50),
  event_data JSONB,
  created_at TIMESTAMP DEFAULT now()
);

-- Golden scenario 3: the source of postgres-to-mysql.
CREATE TABLE accounts (
  user_id       BIGINT PRIMARY KEY,
  email         TEXT NOT NULL,
  created_date  TIMESTAMP NOT NULL,
  modified_date TIMESTAMP,
  status        TEXT NOT NULL,
  profile_data  JSONB,
  settings_data JSONB
);

ALTER TABLE users OWNER TO app_owner;
ALTER TABLE user_sessions OWNER TO app_owner;
ALTER TABLE user_events OWNER TO app_owner;
ALTER TABLE accounts OWNER TO app_owner;
-- Reading is what capture needs most (the snapshot); explicit, although membership already gives it.
GRANT SELECT ON users, user_sessions, user_events, accounts TO ferry;

INSERT INTO users (email, name, created_at) VALUES
  ('alice@example.com', 'Alice Johnson', '2024-03-01 09:00:00'),
  ('bob@example.com',   'Bob Smith',     '2024-03-02 10:30:00'),
  ('carol@example.com', 'Carol White',   '2024-03-03 11:45:00');

INSERT INTO user_sessions (session_id, user_id, device_info, created_at, last_activity) VALUES
  ('6f1c2a8e-0b1d-4c55-9a43-3f0c5b8f0a01', 1, '{"os": "iOS", "app": "4.2.0"}',     '2024-03-10 08:00:00', '2024-03-10 08:45:00'),
  ('6f1c2a8e-0b1d-4c55-9a43-3f0c5b8f0a02', 1, '{"os": "macOS", "browser": "Safari"}', '2024-03-12 19:00:00', '2024-03-12 20:10:00'),
  ('6f1c2a8e-0b1d-4c55-9a43-3f0c5b8f0a03', 2, '{"os": "Android", "app": "4.1.3"}', '2024-03-11 07:30:00', '2024-03-11 07:40:00');

INSERT INTO user_events (event_id, user_id, event_type, event_data, created_at) VALUES
  ('0d9e7c52-7a35-4e0e-8f4e-2b7d1c9e0b01', 1, 'login',    '{"method": "password"}',             '2024-03-10 08:00:05'),
  ('0d9e7c52-7a35-4e0e-8f4e-2b7d1c9e0b02', 1, 'purchase', '{"order_id": 1001, "amount": "299.99"}', '2024-03-10 08:30:00'),
  ('0d9e7c52-7a35-4e0e-8f4e-2b7d1c9e0b03', 1, 'login',    '{"method": "sso"}',                  '2024-03-12 19:00:02'),
  ('0d9e7c52-7a35-4e0e-8f4e-2b7d1c9e0b04', 2, 'login',    '{"method": "password"}',             '2024-03-11 07:30:04'),
  ('0d9e7c52-7a35-4e0e-8f4e-2b7d1c9e0b05', 3, 'signup',   '{"referrer": "newsletter"}',         '2024-03-03 11:45:10');

INSERT INTO accounts (user_id, email, created_date, modified_date, status, profile_data, settings_data) VALUES
  (1, 'alice@example.com', '2024-03-01 09:00:00', '2024-03-05 12:00:00', 'completed',
      '{"first_name": "Alice", "last_name": "Johnson", "avatar_url": "https://example.com/a.png"}',
      '{"theme": "dark", "notifications_enabled": false}'),
  (2, 'bob@example.com',   '2024-03-02 10:30:00', NULL, 'in_progress',
      '{"first_name": "Bob", "last_name": "Smith"}', '{}'),
  (3, 'carol@example.com', '2024-03-03 11:45:00', NULL, 'new', NULL, NULL);

-- Targets of the examples that write into PostgreSQL. In the compose stack they share this server with
-- the source; in a real migration they are on the new server. Ferry's sink creates the tables in them.
CREATE DATABASE app_upgraded OWNER ferry;   -- postgres-to-postgres
CREATE DATABASE shop OWNER ferry;           -- mysql-to-postgres
CREATE DATABASE reporting OWNER ferry;      -- postgres-fan-out
