package io.cgdev.sim.scenario;

import io.cgdev.sim.scenario.Node.ListNode;
import io.cgdev.sim.scenario.Node.MapNode;
import io.cgdev.sim.scenario.Node.Scalar;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.events.AliasEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.NodeEvent;
import org.snakeyaml.engine.v2.events.ScalarEvent;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlVersionException;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;

/**
 * Reads a YAML scenario document from the YAML parser's events (snakeyaml-engine), so that anchors
 * and aliases are seen as YAML defines them: {@code *name} stands for the value anchored {@code
 * &name} earlier in the file (a scalar, an object or a list), copied to where the alias is, so that
 * an error in it names the alias's field and line. Copies count against {@link
 * ScenarioLimits#MAX_ALIAS_VALUES} (a file of aliases of aliases cannot multiply into billions).
 * Plain {@code ~}, {@code null} and empty values are null, as in YAML's core schema; every other
 * scalar is kept as its text. One instance per document, on one thread.
 */
final class YamlDocument {
  private static final String NULL_TAG = "tag:yaml.org,2002:null";
  private static final Set<String> NULLS = Set.of("", "~", "null", "Null", "NULL");

  private final String source;
  private final Iterator<Event> events;
  private final Map<String, Node> anchors = new HashMap<>();
  private long aliasValues;

  private YamlDocument(String source, Iterator<Event> events) {
    this.source = source;
    this.events = events;
  }

  /**
   * Reads {@code text}.
   *
   * @throws ScenarioException for syntax errors, limits passed, aliases without an anchor, a second
   *     document, an empty file
   */
  static Node read(String source, String text) {
    // a read buffer as large as the document: with the default of 1 KiB the scanner copies a long
    // value again for every KiB it reads (a 4 MB value took 20 s; this way 0.2 s)
    int size = Math.max(1024, text.length() + 1);
    LoadSettings settings = LoadSettings.builder().setLabel(source).setBufferSize(size).setCodePointLimit(size)
        .setAllowDuplicateKeys(true) // readMapping names the field and line
        .build();
    try {
      return new YamlDocument(source, new ParserImpl(settings, new StreamReader(settings, text))).document();
    } catch (MarkedYamlEngineException e) {
      Mark at = e.getProblemMark().or(e::getContextMark).orElse(null);
      String what = e.getContext() == null ? e.getProblem() : e.getContext() + ": " + e.getProblem();
      throw new ScenarioException(source, at == null ? 1 : at.getLine() + 1, "",
          "syntax error: " + SyntaxMessages.clean(what, "the file is not valid YAML"));
    } catch (YamlVersionException e) {
      throw new ScenarioException(source, 1, "", "YAML " + e.getSpecVersion().getRepresentation()
          + " is not read here: scenario files are YAML 1.2 (or 1.1)");
    } catch (YamlEngineException e) {
      throw new ScenarioException(source, 1, "", "syntax error: " + SyntaxMessages.clean(e.getMessage(), "the file is not valid YAML"));
    }
  }

  private Node document() {
    expect(Event.ID.StreamStart);
    Event first = events.next();
    if (first.getEventId() == Event.ID.StreamEnd) {
      throw new ScenarioException(source, 1, "", "the file is empty");
    }
    Node root = value(events.next(), "", 0);
    expect(Event.ID.DocumentEnd);
    Event after = events.next();
    if (after.getEventId() == Event.ID.DocumentStart) {
      throw new ScenarioException(source, line(after), "",
          "a second document: a scenario file holds one (remove the '---' and what follows, or split the file)");
    }
    return root;
  }

  private void expect(Event.ID id) {
    Event e = events.next();
    if (e.getEventId() != id) {
      throw new ScenarioException(source, line(e), "", "syntax error: expected " + id + ", found " + e.getEventId());
    }
  }

  private static int line(Event e) {
    return e.getStartMark().map(m -> m.getLine() + 1).orElse(1);
  }

  private Node value(Event e, String field, int depth) {
    int line = line(e);
    ValueChecks.depth(source, line, field, depth);
    if (e instanceof AliasEvent alias) {
      return alias(alias.getAlias().getValue(), field, line);
    }
    Node node = switch (e.getEventId()) {
      case MappingStart -> mapping(field, line, depth);
      case SequenceStart -> {
        List<Node> items = new ArrayList<>();
        for (Event item = events.next(); item.getEventId() != Event.ID.SequenceEnd; item = events.next()) {
          items.add(value(item, field + "[" + items.size() + "]", depth + 1));
        }
        yield new ListNode(field, line, items);
      }
      case Scalar -> {
        ScalarEvent s = (ScalarEvent) e;
        String text = isNull(s) ? null : s.getValue();
        ValueChecks.length(source, line, field, text);
        yield new Scalar(field, line, text);
      }
      default -> throw new ScenarioException(source, line, field, "syntax error: unexpected " + e.getEventId());
    };
    ((NodeEvent) e).getAnchor().ifPresent(a -> anchors.put(a.getValue(), node));
    return node;
  }

  private Node mapping(String field, int line, int depth) {
    Map<String, Node> fields = new LinkedHashMap<>();
    for (Event key = events.next(); key.getEventId() != Event.ID.MappingEnd; key = events.next()) {
      int nameLine = line(key);
      if (!(key instanceof ScalarEvent k)) {
        throw new ScenarioException(source, nameLine, field, key instanceof AliasEvent a
            ? "an alias (*" + a.getAlias().getValue() + ") cannot name a field"
            : "a field name must be a plain value, not " + (key.getEventId() == Event.ID.MappingStart ? "an object" : "a list"));
      }
      String name = k.getValue();
      String childField = field.isEmpty() ? name : field + "." + name;
      Node value = value(events.next(), childField, depth + 1);
      if (fields.put(name, value) != null) {
        throw new ScenarioException(source, nameLine, childField, "given twice");
      }
    }
    return new MapNode(field, line, fields);
  }

  private static boolean isNull(ScalarEvent s) {
    return s.getTag().map(NULL_TAG::equals).orElse(s.isPlain() && NULLS.contains(s.getValue()));
  }

  /** The value anchored {@code &name}, copied to {@code field} at {@code line}. */
  private Node alias(String name, String field, int line) {
    Node target = anchors.get(name);
    if (target == null) {
      throw new ScenarioException(source, line, field, "alias *" + name + " refers to no anchor &" + name + " before it");
    }
    return copy(target, field, line);
  }

  private Node copy(Node n, String field, int line) {
    if (++aliasValues > ScenarioLimits.MAX_ALIAS_VALUES) {
      throw new ScenarioException(source, line, field,
          "aliases repeat more than " + ScenarioLimits.MAX_ALIAS_VALUES + " values: write the file out instead");
    }
    return switch (n) {
      case Scalar s -> new Scalar(field, line, s.text());
      case ListNode l -> {
        List<Node> items = new ArrayList<>();
        for (Node item : l.items()) {
          items.add(copy(item, field + "[" + items.size() + "]", line));
        }
        yield new ListNode(field, line, items);
      }
      case MapNode m -> {
        Map<String, Node> fields = new LinkedHashMap<>();
        m.fields().forEach((k, v) -> fields.put(k, copy(v, field.isEmpty() ? k : field + "." + k, line)));
        yield new MapNode(field, line, fields);
      }
    };
  }
}
