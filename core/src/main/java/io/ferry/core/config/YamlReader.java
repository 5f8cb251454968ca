package io.ferry.core.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads YAML into a {@link ConfigNode} tree with lines, resolving {@code ${env:NAME}} and
 * {@code ${file:/path}} in scalars ({@code $${} writes a literal {@code ${}). A secret file's content
 * is taken without its trailing newline. Any value with a reference in it is treated as secret: it is
 * masked when printed and in error messages. Problems go to the collector; nothing is thrown for bad input.
 */
public final class YamlReader {

    private static final Pattern REFERENCE = Pattern.compile("\\$?\\$\\{(env|file):([^}]*)}");

    private final Function<String, String> environment;
    private final Problems problems;

    public YamlReader(Function<String, String> environment, Problems problems) {
        this.environment = environment;
        this.problems = problems;
    }

    /** Null when the text is not YAML at all (the problem is recorded). */
    public ConfigNode read(String text) {
        Node root;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(true); // reported below with both lines, instead of SnakeYAML's exception
            root = new Yaml(options).compose(new java.io.StringReader(text));
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 1 : e.getProblemMark().getLine() + 1;
            problems.add(line, "", "not valid YAML: " + e.getProblem());
            return null;
        } catch (YAMLException e) {
            problems.add(1, "", "not valid YAML: " + e.getMessage());
            return null;
        }
        if (root == null) {
            return new ConfigNode.Mapping(Map.of(), Map.of(), "", 1);
        }
        return convert(root, "");
    }

    private ConfigNode convert(Node node, String path) {
        int line = node.getStartMark().getLine() + 1;
        if (node instanceof ScalarNode s) {
            if (s.getTag().equals(Tag.NULL)) {
                return new ConfigNode.Null(path, line);
            }
            return interpolate(s.getValue(), path, line);
        }
        if (node instanceof SequenceNode seq) {
            List<ConfigNode> items = new ArrayList<>();
            for (int i = 0; i < seq.getValue().size(); i++) {
                items.add(convert(seq.getValue().get(i), path + "[" + i + "]"));
            }
            return new ConfigNode.Sequence(items, path, line);
        }
        MappingNode map = (MappingNode) node;
        Map<String, ConfigNode> entries = new LinkedHashMap<>();
        Map<String, Integer> keyLines = new HashMap<>();
        for (NodeTuple tuple : merged(map)) {
            int keyLine = tuple.getKeyNode().getStartMark().getLine() + 1;
            if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
                problems.add(keyLine, path, "keys must be plain names");
                continue;
            }
            String childPath = path.isEmpty() ? key.getValue() : path + "." + key.getValue();
            if (entries.containsKey(key.getValue())) {
                problems.add(keyLine, childPath, "duplicate key (first given on line " + keyLines.get(key.getValue()) + ")");
                continue;
            }
            keyLines.put(key.getValue(), keyLine);
            entries.put(key.getValue(), convert(tuple.getValueNode(), childPath));
        }
        return new ConfigNode.Mapping(entries, keyLines, path, line);
    }

    /** Applies YAML merge keys ({@code <<: *defaults}); explicit keys win over merged ones. */
    private static List<NodeTuple> merged(MappingNode map) {
        List<NodeTuple> out = new ArrayList<>();
        List<NodeTuple> inherited = new ArrayList<>();
        for (NodeTuple t : map.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k && k.getTag().equals(Tag.MERGE) && t.getValueNode() instanceof MappingNode m) {
                inherited.addAll(merged(m));
            } else {
                out.add(t);
            }
        }
        for (NodeTuple t : inherited) {
            String key = ((ScalarNode) t.getKeyNode()).getValue();
            if (out.stream().noneMatch(o -> o.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key))) {
                out.add(t);
            }
        }
        return out;
    }

    private ConfigNode interpolate(String raw, String path, int line) {
        Matcher m = REFERENCE.matcher(raw);
        StringBuilder out = new StringBuilder();
        boolean secret = false;
        boolean failed = false;
        while (m.find()) {
            String replacement;
            if (m.group().startsWith("$$")) {
                replacement = m.group().substring(1);
            } else if (m.group(1).equals("env")) {
                secret = true;
                replacement = environment.apply(m.group(2));
                if (replacement == null) {
                    problems.add(line, path, "environment variable " + m.group(2) + " is not set (referenced as ${env:"
                            + m.group(2) + "})");
                    failed = true;
                    replacement = "";
                }
            } else {
                secret = true;
                replacement = readSecretFile(m.group(2), path, line);
                if (replacement == null) {
                    failed = true;
                    replacement = "";
                }
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return new ConfigNode.Scalar(failed ? "" : out.toString(), secret, path, line);
    }

    private String readSecretFile(String file, String path, int line) {
        try {
            String content = Files.readString(Path.of(file), StandardCharsets.UTF_8);
            return content.endsWith("\r\n") ? content.substring(0, content.length() - 2)
                    : content.endsWith("\n") ? content.substring(0, content.length() - 1) : content;
        } catch (IOException | RuntimeException e) {
            problems.add(line, path, "cannot read secret file " + file + " (referenced as ${file:" + file + "}): "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()));
            return null;
        }
    }
}
