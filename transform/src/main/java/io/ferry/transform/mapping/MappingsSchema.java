package io.ferry.transform.mapping;

import io.ferry.core.config.ConfigNode;
import io.ferry.core.config.PipelineConfig;
import io.ferry.core.config.Problems;
import io.ferry.core.config.Section;
import io.ferry.core.config.SectionSchema;
import java.util.List;

/** The transform stage's part of the pipeline file: the {@code mappings} section (config/README.md, "Mappings"). */
public final class MappingsSchema implements SectionSchema {

    @Override
    public String section() {
        return "mappings";
    }

    /** The language is recursive and documented by hand in config/README.md, not as an options table. */
    @Override
    public List<Section> declarations() {
        return List.of();
    }

    @Override
    public Object bind(ConfigNode node, Problems problems) {
        return new MappingBinder(problems).bind(node);
    }

    @Override
    public void check(Object bound, PipelineConfig config, Problems problems) {
        if (bound instanceof Mappings mappings) {
            new MappingChecks(problems).check(mappings, config);
        }
    }
}
