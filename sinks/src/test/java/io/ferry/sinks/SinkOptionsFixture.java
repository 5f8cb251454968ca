package io.ferry.sinks;

import io.ferry.core.config.Binder;
import io.ferry.core.config.ConfigNode;
import io.ferry.core.config.ConfigValues;
import io.ferry.core.config.Problems;
import io.ferry.core.config.Section;
import io.ferry.core.config.YamlReader;
import io.ferry.core.spi.SinkFactory;
import java.util.Set;

/** A sink's options bound from YAML text by the same binder the pipeline loader uses. */
public final class SinkOptionsFixture {

    private SinkOptionsFixture() {
    }

    public static ConfigValues bind(SinkFactory factory, String yaml) {
        Problems problems = new Problems("test-sink.yaml");
        ConfigNode node = new YamlReader(System::getenv, problems).read(yaml);
        ConfigValues values = Binder.bind(new Section("sink", factory.description(), true, factory.options(), java.util.List.of()),
                node, "sink", 1, Set.of("name", "type"), problems);
        problems.throwIfAny();
        return values;
    }
}
