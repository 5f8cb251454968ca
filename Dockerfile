# syntax=docker/dockerfile:1
# Ferry's image, built from this repository: `docker build -t ferry .`, then `docker run ferry <command>`,
# e.g. `docker run -v "$PWD/config:/config:ro" ferry config check /config/postgres-to-cassandra.yaml`.
# docker-compose.yml builds and runs it next to Kafka and the databases.

# Build: the same command as a local build. Maven's downloads are kept in a BuildKit cache between builds.
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -q -DskipTests package

# Run: a JRE, the launcher jar and the jars its manifest names (lib/).
FROM eclipse-temurin:17-jre
# curl serves the compose health check (GET /health); the base image has carried it so far.
RUN command -v curl >/dev/null \
    || (apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*)
# An unprivileged user. Its home is the working directory, so the default data_dir (ferry-data: Kafka
# Streams' local state, rebuilt from Kafka when lost) lands in /var/lib/ferry/ferry-data: mount a volume there.
RUN useradd --system --create-home --home-dir /var/lib/ferry --shell /usr/sbin/nologin ferry
COPY --from=build /src/app/target/ferry-app.jar /opt/ferry/ferry-app.jar
COPY --from=build /src/app/target/lib/ /opt/ferry/lib/
USER ferry
WORKDIR /var/lib/ferry
# The status server's default port (bind it to 0.0.0.0 in the pipeline file's http section).
EXPOSE 7878
# JVM options: JAVA_TOOL_OPTIONS (e.g. -XX:MaxRAMPercentage=75), which every JVM reads.
ENTRYPOINT ["java", "-jar", "/opt/ferry/ferry-app.jar"]
CMD ["--help"]
