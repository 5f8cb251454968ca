package io.ferry.sinks.mongodb;

import com.mongodb.client.MongoClients;
import io.ferry.core.config.Option;
import io.ferry.core.config.OptionTypes;
import io.ferry.core.config.Secret;
import io.ferry.core.spi.Sink;
import io.ferry.core.spi.SinkContext;
import io.ferry.core.spi.SinkFactory;
import io.ferry.sinks.runtime.CommonSinkOptions;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/** The {@code mongodb} sink. */
public final class MongoSinkFactory implements SinkFactory {

    static final Option<Secret> URI = Option.required("uri", OptionTypes.secret(),
            "MongoDB connection string (mongodb://user:password@host:27017/?replicaSet=rs0); treated as a secret.");
    static final Option<String> DATABASE = Option.required("database", OptionTypes.string(), "Database of the target collections.");
    static final Option<ZoneId> NAIVE_TIME_ZONE = Option.withDefault("naive_time_zone", OptionTypes.zone(), ZoneId.of("UTC"),
            "Zone in which timestamps without time zone become BSON dates (set it to the source's time_zone).");

    @Override
    public boolean takesPatches() {
        return true;
    }

    @Override
    public String identifier() {
        return "mongodb";
    }

    @Override
    public String description() {
        return "MongoDB, with bulkWrite upserts and deletes by _id and in-place patches of nested documents.";
    }

    @Override
    public List<Option<?>> options() {
        List<Option<?>> all = new ArrayList<>(List.of(URI, DATABASE, NAIVE_TIME_ZONE));
        all.addAll(CommonSinkOptions.ALL);
        return all;
    }

    @Override
    public Sink create(SinkContext context) {
        var o = context.options();
        return new MongoSink(MongoClients.create(o.get(URI).reveal()), o.get(DATABASE), context, o.get(NAIVE_TIME_ZONE));
    }
}
