package io.ferry.transform.mapping;

/** Where a part of a mapping stands in the pipeline file, for error messages. */
public record Origin(String path, int line) {

    public static final Origin NONE = new Origin("", 0);
}
