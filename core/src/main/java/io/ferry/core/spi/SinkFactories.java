package io.ferry.core.spi;

import io.ferry.core.config.DidYouMean;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;

/** The sink factories on the classpath, by identifier. */
public final class SinkFactories {

    private final Map<String, SinkFactory> byId;

    private SinkFactories(Map<String, SinkFactory> byId) {
        this.byId = Collections.unmodifiableMap(byId);
    }

    /** Every {@link SinkFactory} registered with {@link ServiceLoader} in this class's class loader. */
    public static SinkFactories load() {
        return load(SinkFactories.class.getClassLoader());
    }

    /**
     * @throws IllegalStateException when two factories claim the same identifier
     */
    public static SinkFactories load(ClassLoader loader) {
        Map<String, SinkFactory> byId = new TreeMap<>();
        for (SinkFactory f : ServiceLoader.load(SinkFactory.class, loader)) {
            SinkFactory clash = byId.put(f.identifier(), f);
            if (clash != null) {
                throw new IllegalStateException("two sink factories claim type '" + f.identifier() + "': "
                        + clash.getClass().getName() + " and " + f.getClass().getName());
            }
        }
        return new SinkFactories(byId);
    }

    public Set<String> identifiers() {
        return byId.keySet();
    }

    public Optional<SinkFactory> find(String identifier) {
        return Optional.ofNullable(byId.get(identifier));
    }

    /**
     * @throws IllegalArgumentException for an unknown identifier, listing the known ones
     */
    public SinkFactory require(String identifier) {
        SinkFactory f = byId.get(identifier);
        if (f == null) {
            throw new IllegalArgumentException(unknownMessage(identifier));
        }
        return f;
    }

    public String unknownMessage(String identifier) {
        String hint = DidYouMean.suggest(identifier, byId.keySet()).map(s -> "did you mean '" + s + "'? ").orElse("");
        return "unknown sink type '" + identifier + "'; " + hint + "known types: "
                + (byId.isEmpty() ? "(none on the classpath)" : String.join(", ", byId.keySet()));
    }
}
