package io.cgdev.cli;

import io.cgdev.api.spi.EngineSpec;
import io.cgdev.api.spi.RegionSpec;
import io.cgdev.core.snapshot.Snapshot;
import io.cgdev.state.Configuration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The core's {@link Snapshot} as pretty-printed JSON, and back.
 *
 * <p>{@link #render}, for {@code cgdev snapshot}: {@code layout}, {@code controllers}, {@code
 * devices}, {@code tasks} and the {@code root} cgroup tree, each cgroup with its {@code path}, own
 * {@code tasks}, then its files split in two: {@code configuration} — the settings ({@link
 * io.cgdev.state.ConfigurationFiles}: readable and writable files that are not actions), which
 * {@code cgdev restore} writes back — and {@code status} — everything else that reads (counters,
 * usage, effective values, task lists), which follows from the configuration, the devices and what
 * ran — then its {@code children}, all in the snapshot's order. {@link #renderConfiguration} is the
 * part a restore rebuilds exactly ({@code cgdev snapshot --configuration}): no tasks, no status.
 *
 * <p>{@link #parse} reads either form back, strictly (unknown fields are errors), for {@code cgdev
 * restore}.
 */
final class SnapshotJson {
  private static final JsonMapper MAPPER = JsonMapper.builder().build();
  private static final List<String> TOP_FIELDS = List.of("layout", "controllers", "devices", "tasks", "root");
  private static final List<String> CGROUP_FIELDS = List.of("path", "tasks", "configuration", "status", "children");

  private SnapshotJson() {}

  /** A snapshot file that cannot be read back; the message starts with {@code FILE:} and says where. */
  static final class BadSnapshotException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadSnapshotException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * What a snapshot file says about the world it was taken of, and its configuration.
   *
   * @param layout the file layout
   * @param controllers the controllers present
   * @param devices the names of the devices registered
   * @param tasks how many tasks it lists (a restore does not recreate them)
   * @param configuration every cgroup's settings, parents first
   */
  record Document(String layout, List<String> controllers, List<String> devices, int tasks, Configuration configuration) {}

  /** The whole snapshot; {@code configuration} says which files are settings. */
  static String render(Snapshot s, Configuration configuration) {
    ObjectNode top = world(s);
    ArrayNode tasks = top.putArray("tasks");
    for (Snapshot.Task t : s.tasks()) {
      tasks.addObject().put("pid", t.pid()).put("name", t.name()).put("cgroup", t.cgroup().toString());
    }
    cgroup(s.root(), top.putObject("root"), configuration, true);
    return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(top);
  }

  /** The configuration part alone: world, cgroups and settings (what a restore rebuilds byte for byte). */
  static String renderConfiguration(Snapshot s, Configuration configuration) {
    ObjectNode top = world(s);
    cgroup(s.root(), top.putObject("root"), configuration, false);
    return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(top);
  }

  private static ObjectNode world(Snapshot s) {
    ObjectNode top = MAPPER.createObjectNode();
    top.put("layout", s.layout());
    ArrayNode controllers = top.putArray("controllers");
    s.controllers().forEach(controllers::add);
    ArrayNode devices = top.putArray("devices");
    for (Snapshot.Device d : s.devices()) {
      ObjectNode o = devices.addObject().put("name", d.name()).put("driver", d.driver());
      ArrayNode bound = o.putArray("controllers");
      d.controllers().forEach(bound::add);
      ArrayNode regions = o.putArray("regions");
      for (RegionSpec r : d.regions()) {
        regions.addObject().put("name", r.name()).put("capacity", r.capacity()).put("pageSize", r.pageSize());
      }
      ArrayNode engines = o.putArray("engines");
      for (EngineSpec e : d.engines()) {
        engines.addObject().put("name", e.name()).put("class", e.engineClass());
      }
      ObjectNode attributes = o.putObject("attributes");
      d.attributes().forEach(attributes::put);
    }
    return top;
  }

  private static void cgroup(Snapshot.Cgroup c, ObjectNode node, Configuration configuration, boolean whole) {
    node.put("path", c.path().toString());
    if (whole) {
      ArrayNode tasks = node.putArray("tasks");
      for (Snapshot.Task t : c.tasks()) {
        tasks.addObject().put("pid", t.pid()).put("name", t.name());
      }
    }
    Configuration.Cgroup settings = configuration.cgroup(c.path().toString());
    Set<String> settingNames = settings == null ? Set.of() : settings.files().keySet();
    ObjectNode config = node.putObject("configuration");
    ObjectNode status = whole ? node.putObject("status") : null;
    for (Map.Entry<String, String> f : c.files().entrySet()) {
      if (settingNames.contains(f.getKey())) {
        config.put(f.getKey(), f.getValue());
      } else if (status != null) {
        status.put(f.getKey(), f.getValue());
      }
    }
    ArrayNode children = node.putArray("children");
    for (Snapshot.Cgroup child : c.children()) {
      cgroup(child, children.addObject(), configuration, whole);
    }
  }

  /**
   * Reads a snapshot ({@link #render} or {@link #renderConfiguration} output).
   *
   * @param source the file's name, for messages
   * @throws BadSnapshotException naming the file and the line and column (JSON syntax) or the JSON
   *     pointer (a field that is missing, unknown or of the wrong type)
   */
  static Document parse(String json, String source) {
    JsonNode top;
    try {
      top = MAPPER.readTree(json);
    } catch (JacksonException e) {
      TokenStreamLocation at = e.getLocation();
      String where = at == null ? "" : at.getLineNr() + ":" + at.getColumnNr() + ":";
      throw new BadSnapshotException(source + ":" + where + " not valid JSON: " + e.getOriginalMessage(), e);
    }
    Reader r = new Reader(source);
    r.fields(top, "", TOP_FIELDS, List.of("layout", "controllers", "devices", "root"));
    String layout = r.text(top.get("layout"), "/layout");
    List<String> controllers = r.strings(top.get("controllers"), "/controllers");
    List<String> devices = new ArrayList<>();
    JsonNode deviceList = r.array(top.get("devices"), "/devices");
    for (int i = 0; i < deviceList.size(); i++) {
      JsonNode d = deviceList.get(i);
      r.object(d, "/devices/" + i);
      devices.add(r.text(d.get("name"), "/devices/" + i + "/name"));
    }
    int tasks = top.has("tasks") ? r.array(top.get("tasks"), "/tasks").size() : 0;
    List<Configuration.Cgroup> cgroups = new ArrayList<>();
    r.cgroup(top.get("root"), "/root", "/", cgroups);
    return new Document(layout, controllers, devices, tasks, new Configuration(cgroups));
  }

  /** Checks shapes and names what is wrong by its JSON pointer. */
  private record Reader(String source) {
    void cgroup(JsonNode node, String pointer, String expectedPath, List<Configuration.Cgroup> out) {
      if (node != null && node.isObject() && node.has("files") && !node.has("configuration")) {
        throw fail(pointer + "/files", "a snapshot from before configuration and status were separated; take it again"
            + " with this cgdev's 'cgdev snapshot'");
      }
      fields(node, pointer, CGROUP_FIELDS, List.of("path", "configuration", "children"));
      String path = text(node.get("path"), pointer + "/path");
      if (!path.equals(expectedPath)) {
        throw fail(pointer + "/path", "'" + path + "' where '" + expectedPath + "' belongs (a child's path is its"
            + " parent's and its name)");
      }
      JsonNode config = node.get("configuration");
      object(config, pointer + "/configuration");
      SequencedMap<String, String> files = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> f : config.properties()) {
        files.put(f.getKey(), text(f.getValue(), pointer + "/configuration/" + escape(f.getKey())));
      }
      out.add(new Configuration.Cgroup(path, files));
      JsonNode children = array(node.get("children"), pointer + "/children");
      for (int i = 0; i < children.size(); i++) {
        JsonNode child = children.get(i);
        String childPointer = pointer + "/children/" + i;
        object(child, childPointer);
        String childPath = text(child.get("path"), childPointer + "/path");
        String name = childPath.substring(childPath.lastIndexOf('/') + 1);
        cgroup(child, childPointer, (path.equals("/") ? "" : path) + "/" + name, out);
      }
    }

    void fields(JsonNode node, String pointer, List<String> known, List<String> required) {
      object(node, pointer.isEmpty() ? "the document" : pointer);
      for (String name : node.propertyNames()) {
        if (!known.contains(name)) {
          throw fail(pointer + "/" + escape(name), "unknown field (known: " + String.join(", ", known) + ")");
        }
      }
      for (String name : required) {
        if (!node.has(name)) {
          throw fail(pointer + "/" + name, "missing");
        }
      }
    }

    String text(JsonNode node, String pointer) {
      if (node == null || !node.isString()) {
        throw fail(pointer, "must be a string");
      }
      return node.stringValue();
    }

    List<String> strings(JsonNode node, String pointer) {
      JsonNode list = array(node, pointer);
      List<String> out = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        out.add(text(list.get(i), pointer + "/" + i));
      }
      return out;
    }

    JsonNode array(JsonNode node, String pointer) {
      if (node == null || !node.isArray()) {
        throw fail(pointer, "must be an array");
      }
      return node;
    }

    void object(JsonNode node, String pointer) {
      if (node == null || !node.isObject()) {
        throw fail(pointer, "must be an object");
      }
    }

    BadSnapshotException fail(String pointer, String reason) {
      return new BadSnapshotException(source + ": " + pointer + ": " + reason, null);
    }

    /** A JSON pointer token: {@code ~} and {@code /} escaped (RFC 6901). */
    private static String escape(String name) {
      return name.replace("~", "~0").replace("/", "~1");
    }
  }
}
