package io.cgdev.cli;

import io.cgdev.api.spi.EngineSpec;
import io.cgdev.api.spi.RegionSpec;
import io.cgdev.core.snapshot.Snapshot;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The core's {@link Snapshot} as pretty-printed JSON, for {@code cgdev snapshot}: {@code layout},
 * {@code controllers}, {@code devices}, {@code tasks} and the {@code root} cgroup tree, each cgroup
 * with its {@code path}, own {@code tasks}, {@code files} (relative path to content) and {@code
 * children}, in the snapshot's order.
 */
final class SnapshotJson {
  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  private SnapshotJson() {}

  static String render(Snapshot s) {
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
    ArrayNode tasks = top.putArray("tasks");
    for (Snapshot.Task t : s.tasks()) {
      tasks.addObject().put("pid", t.pid()).put("name", t.name()).put("cgroup", t.cgroup().toString());
    }
    cgroup(s.root(), top.putObject("root"));
    return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(top);
  }

  private static void cgroup(Snapshot.Cgroup c, ObjectNode node) {
    node.put("path", c.path().toString());
    ArrayNode tasks = node.putArray("tasks");
    for (Snapshot.Task t : c.tasks()) {
      tasks.addObject().put("pid", t.pid()).put("name", t.name());
    }
    ObjectNode files = node.putObject("files");
    for (Map.Entry<String, String> f : c.files().entrySet()) {
      files.put(f.getKey(), f.getValue());
    }
    ArrayNode children = node.putArray("children");
    for (Snapshot.Cgroup child : c.children()) {
      cgroup(child, children.addObject());
    }
  }
}
