package io.ferry.transform.topology;

/**
 * The names of one group's state stores. Kafka Streams names their changelog topics after them, so they
 * must not change across upgrades: they derive only from the group's name (its first mapping's name).
 */
record StoreNames(String group) {

    static StoreNames of(MappingGroup g) {
        return new StoreNames(g.name().replaceAll("[^a-zA-Z0-9_-]", "_"));
    }

    String rows() {
        return "ferry-" + group + "-rows";
    }

    String index() {
        return "ferry-" + group + "-index";
    }

    String markers() {
        return "ferry-" + group + "-markers";
    }

    String processor() {
        return "ferry-" + group + "-mapper";
    }

    String funnel() {
        return "ferry-" + group + "-funnel";
    }
}
