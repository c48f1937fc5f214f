package io.cgdev.sim.scenario;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A scenario document as a tree that remembers where each value came from: its field path (e.g.
 * {@code tenants[1].memory.max}) and its line in the file, so every error can name both. Built by
 * {@link ScenarioParser} from JSON or YAML tokens.
 */
public sealed interface Node {
  /** The field path from the document root, e.g. {@code tenants[1].memory.max}; {@code ""} for the root. */
  String field();

  /** The 1-based line where the value starts. */
  int line();

  /** A kind name for messages: {@code an object}, {@code a list}, {@code a value}. */
  String kind();

  /** An object: fields in file order. */
  record MapNode(String field, int line, Map<String, Node> fields) implements Node {
    public MapNode {
      fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    @Override
    public String kind() {
      return "an object";
    }

    /** A child field's path. */
    public String child(String name) {
      return field.isEmpty() ? name : field + "." + name;
    }
  }

  /** A list. */
  record ListNode(String field, int line, List<Node> items) implements Node {
    public ListNode {
      items = List.copyOf(items);
    }

    @Override
    public String kind() {
      return "a list";
    }
  }

  /** A scalar, kept as its text ({@code null} for an explicit null). */
  record Scalar(String field, int line, String text) implements Node {
    @Override
    public String kind() {
      return "a value";
    }
  }
}
