package io.cgdev.sim.scenario;

import io.cgdev.sim.scenario.Node.ListNode;
import io.cgdev.sim.scenario.Node.MapNode;
import io.cgdev.sim.scenario.Node.Scalar;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;

/**
 * Reads one scenario document into {@link Node}s that remember their field path and line: YAML
 * with {@link YamlDocument}, JSON here (with Jackson's streaming parser). Both hold the document to
 * {@link ScenarioLimits} ({@link ValueChecks}), allow one document per file, report duplicate
 * fields, and turn every problem into a {@link ScenarioException} with {@code FILE:LINE:} in words
 * of their own ({@link SyntaxMessages}). Used once per document, on one thread.
 */
final class DocumentReader {
  /** The reader checks depth and length itself first; the library's own limits stay above them. */
  private static final JsonFactory JSON = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxNestingDepth(ScenarioLimits.MAX_DEPTH + 8)
          .maxStringLength(ScenarioLimits.MAX_VALUE_CHARS * 4)
          .maxDocumentLength(ScenarioLimits.MAX_FILE_BYTES * 2)
          .build())
      .disable(StreamReadFeature.STRICT_DUPLICATE_DETECTION) // readObject names the field and line
      .build();

  private final String source;

  private DocumentReader(String source) {
    this.source = source;
  }

  /**
   * Reads {@code text}, JSON when {@code json}, else YAML.
   *
   * @throws ScenarioException for syntax errors, limits passed, a second document, an empty file,
   *     and (YAML) aliases without an anchor
   */
  static Node read(String source, String text, boolean json) {
    return json ? new DocumentReader(source).readJson(text) : YamlDocument.read(source, text);
  }

  private Node readJson(String text) {
    try (JsonParser parser = JSON.createParser(ObjectReadContext.empty(), text)) {
      if (parser.nextToken() == null) {
        throw new ScenarioException(source, 1, "", "the file is empty");
      }
      Node root = readValue(parser, "", 0);
      if (parser.nextToken() != null) {
        throw new ScenarioException(source, parser.currentTokenLocation().getLineNr(), "",
            "more after the document: a scenario file holds one JSON value");
      }
      return root;
    } catch (JacksonException e) {
      int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
      throw new ScenarioException(source, Math.max(line, 1), "",
          "syntax error: " + SyntaxMessages.clean(e.getOriginalMessage(), "the file is not valid JSON"));
    }
  }

  private Node readValue(JsonParser p, String field, int depth) {
    int line = p.currentTokenLocation().getLineNr();
    ValueChecks.depth(source, line, field, depth);
    return switch (p.currentToken()) {
      case START_OBJECT -> {
        Map<String, Node> fields = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
          String name = p.currentName();
          int nameLine = p.currentTokenLocation().getLineNr();
          String childField = field.isEmpty() ? name : field + "." + name;
          p.nextToken();
          Node value = readValue(p, childField, depth + 1);
          if (fields.put(name, value) != null) {
            throw new ScenarioException(source, nameLine, childField, "given twice");
          }
        }
        yield new MapNode(field, line, fields);
      }
      case START_ARRAY -> {
        List<Node> items = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          items.add(readValue(p, field + "[" + items.size() + "]", depth + 1));
        }
        yield new ListNode(field, line, items);
      }
      case VALUE_NULL -> new Scalar(field, line, null);
      default -> {
        String text = p.getString();
        ValueChecks.length(source, line, field, text);
        yield new Scalar(field, line, text);
      }
    };
  }
}
