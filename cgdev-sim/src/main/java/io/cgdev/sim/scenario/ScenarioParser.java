package io.cgdev.sim.scenario;

import io.cgdev.api.ByteSize;
import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupPath;
import io.cgdev.api.KernelText;
import io.cgdev.sim.scenario.Node.ListNode;
import io.cgdev.sim.scenario.Node.MapNode;
import io.cgdev.sim.scenario.Node.Scalar;
import io.cgdev.sim.scenario.Scenario.Tenant;
import io.cgdev.sim.scenario.Scenario.TimedWrite;
import io.cgdev.sim.scenario.Scenario.Workload;
import io.cgdev.sim.scenario.Scenario.Write;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads scenario files (YAML, or JSON when the name ends in {@code .json} or the text starts with
 * {@code {}) into a {@link Scenario}, checking structure, names, durations and sizes. Every error is
 * a {@link ScenarioException} naming file, line and field. Values of interface files are only
 * checked later, when {@link TreeBuilder} writes them through the file view. The file must stay
 * within {@link ScenarioLimits}, so that whatever it accepts runs in bounded time and memory.
 *
 * <p>Thread-safe: every parse uses an instance of its own.
 */
public final class ScenarioParser {
  private static final Set<String> TOP_FIELDS =
      Set.of("name", "description", "duration", "tick", "samples", "device", "tenants");
  /** Tenant fields that are not controller sections. */
  static final Set<String> TENANT_FIELDS =
      Set.of("name", "files", "devices", "workloads", "children", "freeze", "kill", "schedule");
  private static final Set<String> SCHEDULE_FIELDS = Set.of("at", "file", "value");
  private static final Set<String> WORKLOAD_FIELDS =
      Set.of("name", "device", "engine", "batch", "load", "memory", "start", "stop");
  private static final Set<String> MEMORY_FIELDS = Set.of("size", "count", "churn", "placement");

  private final String source;
  private int tenantCount;
  private long streamCount;
  private long duration;

  private ScenarioParser(String source) {
    this.source = source;
  }

  /**
   * Parses a file; its name (not its path) appears in messages.
   *
   * @throws ScenarioException also for a file larger than {@link ScenarioLimits#MAX_FILE_BYTES},
   *     before reading it
   */
  public static Scenario parse(Path file) {
    String name = file.getFileName().toString();
    String text;
    try {
      long size = Files.size(file);
      if (size > ScenarioLimits.MAX_FILE_BYTES) {
        throw new ScenarioException(name, 1, "", String.format(java.util.Locale.ROOT,
            "the file has %d bytes: scenario files are limited to %d (%d MiB)", size,
            ScenarioLimits.MAX_FILE_BYTES, ScenarioLimits.MAX_FILE_BYTES >> 20));
      }
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (java.nio.charset.MalformedInputException e) {
      throw new ScenarioException(name, 1, "", "the file is not UTF-8 text");
    } catch (IOException e) {
      throw new ScenarioException(name, 0, "", "cannot read " + file + ": " + e.getMessage());
    }
    return parse(name, text);
  }

  /** Parses a classpath resource of this module, e.g. the built-in demo. */
  public static Scenario parseResource(String resource) {
    try (InputStream in = ScenarioParser.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing built-in scenario " + resource);
      }
      String name = resource.substring(resource.lastIndexOf('/') + 1);
      return parse(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read built-in scenario " + resource, e);
    }
  }

  /**
   * Parses text; {@code source} names it in messages and picks JSON for {@code *.json}.
   *
   * @throws ScenarioException naming file, line and field for anything invalid, and for text longer
   *     than {@link ScenarioLimits#MAX_FILE_BYTES}
   */
  public static Scenario parse(String source, String text) {
    if (text.length() > ScenarioLimits.MAX_FILE_BYTES) {
      throw new ScenarioException(source, 1, "", "the text has " + text.length()
          + " characters: scenario files are limited to " + ScenarioLimits.MAX_FILE_BYTES + " bytes");
    }
    boolean json = source.endsWith(".json") || text.stripLeading().startsWith("{");
    return new ScenarioParser(source).scenario(DocumentReader.read(source, text, json));
  }

  // ---- nodes to the model ----

  private Scenario scenario(Node root) {
    MapNode top = map(root);
    if (top.fields().containsKey("region")) {
      throw error(top.fields().get("region"), "no longer a field: each memory registration governs one region"
          + " of device memory, so the report's memory figures are the device's (i915.0: local0); write limits as"
          + " plain values (max: 256M)");
    }
    checkFields(top, TOP_FIELDS);
    String name = optText(top, "name", "scenario");
    String description = optText(top, "description", "");
    long duration = optDuration(top, "duration", 10_000_000_000L);
    this.duration = duration;
    long tick = optDuration(top, "tick", 1_000_000L);
    if (tick < ScenarioLimits.MIN_STEP_NANOS) {
      throw error(top.fields().get("tick"), "tick of " + tick + " ns: at least 1us (" + ScenarioLimits.MIN_STEP_NANOS
          + " ns); a shorter step models nothing better, it only takes longer");
    }
    if (tick > duration) {
      throw error(top.fields().get("tick"), "tick " + tick + " ns is longer than the duration " + duration + " ns");
    }
    int samples = (int) optLong(top, "samples", 100, 2, 10_000);
    String device = optText(top, "device", null);
    Node tenantsNode = top.fields().get("tenants");
    if (tenantsNode == null) {
      throw error(top, "tenants", "missing: a scenario needs at least one tenant");
    }
    ListNode list = list(tenantsNode);
    if (list.items().isEmpty()) {
      throw error(list, "must list at least one tenant");
    }
    List<Tenant> tenants = tenants(list, "");
    return new Scenario(source, name, description, duration, tick, samples, device, tenants);
  }

  private List<Tenant> tenants(ListNode list, String parentPath) {
    List<Tenant> tenants = new ArrayList<>();
    Set<String> names = new java.util.HashSet<>();
    for (Node item : list.items()) {
      Tenant t = tenant(item, parentPath);
      if (!names.add(t.name())) {
        throw error(((MapNode) item).fields().get("name"), "tenant name '" + t.name() + "' used twice");
      }
      tenants.add(t);
    }
    return tenants;
  }

  private Tenant tenant(Node node, String parentPath) {
    MapNode m = map(node);
    if (++tenantCount > ScenarioLimits.MAX_TENANTS) {
      throw error(m, "more than " + ScenarioLimits.MAX_TENANTS + " tenants: a scenario holds at most that many cgroups");
    }
    Node nameNode = m.fields().get("name");
    if (nameNode == null) {
      throw error(m, "name", "missing: every tenant needs a name");
    }
    String name = text(nameNode);
    try {
      CgroupPath.checkName(name);
    } catch (CgroupException e) {
      throw error(nameNode, e.getMessage());
    }
    String path = parentPath + "/" + name;
    List<Write> writes = new ArrayList<>();
    for (Map.Entry<String, Node> f : m.fields().entrySet()) {
      String key = f.getKey();
      if (key.equals("files")) {
        for (Map.Entry<String, Node> file : map(f.getValue()).fields().entrySet()) {
          writes.add(new Write(null, null, file.getKey(), text(file.getValue()), file.getValue()));
        }
      } else if (key.equals("devices")) {
        for (Map.Entry<String, Node> dev : map(f.getValue()).fields().entrySet()) {
          for (Map.Entry<String, Node> ctrl : map(dev.getValue()).fields().entrySet()) {
            controllerSection(ctrl.getKey(), dev.getKey(), ctrl.getValue(), writes);
          }
        }
      } else if (!TENANT_FIELDS.contains(key)) {
        controllerSection(key, null, f.getValue(), writes);
      }
    }
    List<Workload> workloads = new ArrayList<>();
    Node wl = m.fields().get("workloads");
    if (wl != null) {
      for (Node w : list(wl).items()) {
        workloads.add(workload(w));
      }
    }
    List<Tenant> children = List.of();
    Node ch = m.fields().get("children");
    if (ch != null) {
      children = tenants(list(ch), path);
      if (!workloads.isEmpty() && !children.isEmpty()) {
        throw error(wl, "a tenant with children cannot run workloads itself (no internal processes): "
            + "move them into a child");
      }
    }
    return new Tenant(name, path, m, writes, workloads, children, schedule(m));
  }

  /**
   * The tenant's writes at a time: {@code freeze: 2s..3s} (or a list of such ranges; {@code 2s..}
   * stays frozen to the end), {@code kill: 4s}, {@code schedule: [{at: 1s, file: F, value: V}]}.
   */
  private List<TimedWrite> schedule(MapNode m) {
    List<TimedWrite> out = new ArrayList<>();
    Node freeze = m.fields().get("freeze");
    if (freeze != null) {
      List<Node> ranges = freeze instanceof ListNode l ? l.items() : List.of(freeze);
      long lastEnd = -1;
      for (Node r : ranges) {
        String t = text(r).strip();
        int dots = t.indexOf("..");
        if (dots < 0) {
          throw error(r, "invalid freeze range '" + t + "': expected START..END (e.g. 2s..3s) or START.. (frozen to the end)");
        }
        long from = time(r, t.substring(0, dots));
        String endText = t.substring(dots + 2).strip();
        long to = endText.isEmpty() ? Long.MAX_VALUE : time(r, endText);
        if (to <= from) {
          throw error(r, "freeze range '" + t + "': the end must come after the start");
        }
        if (from < lastEnd) {
          throw error(r, "freeze range '" + t + "' overlaps or precedes the range before it: list them in time order");
        }
        lastEnd = to;
        out.add(new TimedWrite(from, "cgroup.freeze", "1", r));
        if (to != Long.MAX_VALUE) {
          out.add(new TimedWrite(to, "cgroup.freeze", "0", r));
        }
      }
    }
    Node kill = m.fields().get("kill");
    if (kill != null) {
      out.add(new TimedWrite(time(kill, text(kill)), "cgroup.kill", "1", kill));
    }
    Node schedule = m.fields().get("schedule");
    if (schedule != null) {
      for (Node item : list(schedule).items()) {
        MapNode e = map(item);
        checkFields(e, SCHEDULE_FIELDS);
        for (String f : List.of("at", "file", "value")) {
          if (!e.fields().containsKey(f)) {
            throw error(e, f, "missing: a scheduled write needs at (a time), file and value");
          }
        }
        Node at = e.fields().get("at");
        String file = text(e.fields().get("file"));
        if (file.startsWith("/") || file.contains("..")) {
          throw error(e.fields().get("file"), "file '" + file + "' must be relative to the tenant's cgroup");
        }
        out.add(new TimedWrite(time(at, text(at)), file, text(e.fields().get("value")), e.fields().get("value")));
      }
    }
    return out;
  }

  /** A time within the run: a duration, or 0 (the start). */
  private long time(Node n, String text) {
    String t = text.strip();
    long v;
    if (t.matches("0+(\\.0*)?\\s*(ns|us|µs|ms|s|m)?")) {
      v = 0;
    } else {
      try {
        v = Durations.parse(t);
      } catch (IllegalArgumentException e) {
        throw error(n, e.getMessage());
      }
    }
    if (v >= duration) {
      throw error(n, "time " + t + " is not before the end of the run (" + Durations.format(duration) + ")");
    }
    return v;
  }

  /** A controller section such as {@code memory: {max: 2G, low: 1G}}. */
  private void controllerSection(String controller, String device, Node section, List<Write> into) {
    if (!controller.matches("[a-z][a-z0-9_]*")) {
      throw error(section, "unknown field (a tenant has name, files, devices, workloads, children, "
          + "and one section per controller such as memory, cpu, cpuset)");
    }
    MapNode m = map(section);
    for (Map.Entry<String, Node> e : m.fields().entrySet()) {
      into.add(new Write(controller, device, e.getKey(), text(e.getValue()), e.getValue()));
    }
  }

  private Workload workload(Node node) {
    MapNode m = map(node);
    checkFields(m, WORKLOAD_FIELDS);
    String name = optText(m, "name", null);
    if (name == null) {
      throw error(m, "name", "missing: every workload needs a name");
    }
    String device = optText(m, "device", null);
    String engine = optText(m, "engine", null);
    long batch = optDuration(m, "batch", 2_000_000L);
    if (batch < ScenarioLimits.MIN_STEP_NANOS) {
      throw error(m.fields().get("batch"), "batch of " + batch + " ns: at least 1us (" + ScenarioLimits.MIN_STEP_NANOS
          + " ns); a device runs no shorter batches");
    }
    double load = optDouble(m, "load", engine == null ? 0 : 1.0, 0, 64);
    streamCount += Math.max(1, (long) Math.ceil(load));
    if (streamCount > ScenarioLimits.MAX_STREAMS) {
      throw error(m, "more than " + ScenarioLimits.MAX_STREAMS + " workload streams in the scenario (a workload runs "
          + "ceil(load) of them, each a task and a device client stepped every tick)");
    }
    long size = 0;
    int count = 0;
    double churn = 0;
    List<String> placement = List.of();
    Node mem = m.fields().get("memory");
    if (mem != null) {
      MapNode mm = map(mem);
      checkFields(mm, MEMORY_FIELDS);
      Node sizeNode = mm.fields().get("size");
      if (sizeNode == null) {
        throw error(mm, "size", "missing: the size of each buffer, e.g. 256M");
      }
      size = size(sizeNode);
      count = (int) optLong(mm, "count", 1, 0, 1_000_000);
      churn = optDouble(mm, "churn", 0, 0, 1_000_000);
      Node pl = mm.fields().get("placement");
      if (pl != null) {
        List<String> regions = new ArrayList<>();
        if (pl instanceof Scalar) {
          for (String r : text(pl).split("[,\\s]+")) {
            regions.add(r);
          }
        } else {
          for (Node r : list(pl).items()) {
            regions.add(text(r));
          }
        }
        placement = regions;
      }
    }
    long start = m.fields().containsKey("start") ? optDuration(m, "start", 0) : 0;
    long stop = optDuration(m, "stop", Long.MAX_VALUE);
    if (stop <= start) {
      throw error(m.fields().get("stop"), "stop must come after start");
    }
    return new Workload(name, device, engine, batch, load, size, count, churn, placement, start, stop, m);
  }

  // ---- typed field access ----

  private void checkFields(MapNode m, Set<String> allowed) {
    for (Map.Entry<String, Node> f : m.fields().entrySet()) {
      if (!allowed.contains(f.getKey())) {
        throw error(f.getValue(), "unknown field (expected one of " + new java.util.TreeSet<>(allowed) + ")");
      }
    }
  }

  private MapNode map(Node n) {
    if (n instanceof MapNode m) {
      return m;
    }
    throw error(n, "expected an object, got " + n.kind());
  }

  private ListNode list(Node n) {
    if (n instanceof ListNode l) {
      return l;
    }
    throw error(n, "expected a list, got " + n.kind());
  }

  private String text(Node n) {
    if (n instanceof Scalar s && s.text() != null) {
      return s.text();
    }
    throw error(n, "expected a value, got " + (n instanceof Scalar ? "null" : n.kind()));
  }

  private String optText(MapNode m, String name, String dflt) {
    Node n = m.fields().get(name);
    return n == null ? dflt : text(n);
  }

  private long optDuration(MapNode m, String name, long dflt) {
    Node n = m.fields().get(name);
    if (n == null) {
      return dflt;
    }
    try {
      return Durations.parse(text(n));
    } catch (IllegalArgumentException e) {
      throw error(n, e.getMessage());
    }
  }

  private long optLong(MapNode m, String name, long dflt, long min, long max) {
    Node n = m.fields().get(name);
    if (n == null) {
      return dflt;
    }
    String t = text(n).strip();
    long v;
    try {
      if (!KernelText.isDigits(t.startsWith("-") ? t.substring(1) : t)) {
        throw new NumberFormatException(); // Long.parseLong would take any Unicode digit
      }
      v = Long.parseLong(t);
    } catch (NumberFormatException e) {
      throw error(n, "invalid number '" + t + "': expected an integer");
    }
    if (v < min || v > max) {
      throw error(n, "'" + t + "' out of range " + min + ".." + max);
    }
    return v;
  }

  private double optDouble(MapNode m, String name, double dflt, double min, double max) {
    Node n = m.fields().get(name);
    if (n == null) {
      return dflt;
    }
    String t = text(n).strip();
    String number = t.endsWith("/s") ? t.substring(0, t.length() - 2) : t;
    double v;
    try {
      v = Double.parseDouble(number);
    } catch (NumberFormatException e) {
      throw error(n, "invalid number '" + t + "'");
    }
    if (!(v >= min && v <= max)) {
      throw error(n, "'" + t + "' out of range " + min + ".." + max);
    }
    return v;
  }

  private long size(Node n) {
    String t = text(n);
    try {
      long v = ByteSize.parse(t);
      if (v == ByteSize.MAX || v == 0) {
        throw error(n, "invalid size '" + t + "': a buffer needs a positive size");
      }
      return v;
    } catch (CgroupException e) {
      throw error(n, e.getMessage());
    }
  }

  private ScenarioException error(Node n, String reason) {
    return new ScenarioException(source, n.line(), n.field(), reason);
  }

  private ScenarioException error(MapNode parent, String missingField, String reason) {
    return new ScenarioException(source, parent.line(), parent.child(missingField), reason);
  }
}
