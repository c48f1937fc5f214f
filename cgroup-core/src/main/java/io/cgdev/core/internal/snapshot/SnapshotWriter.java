package io.cgdev.core.internal.snapshot;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupFs;
import io.cgdev.api.FsEntry;
import io.cgdev.api.spi.EngineSpec;
import io.cgdev.api.spi.RegionSpec;
import io.cgdev.core.internal.hierarchy.Cgroup;
import io.cgdev.core.internal.hierarchy.Hierarchy;
import io.cgdev.core.internal.hierarchy.ModelTask;
import io.cgdev.core.internal.hierarchy.Registration;
import io.cgdev.core.internal.hierarchy.StateSlot;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes a hierarchy as JSON: {@code controllers}, {@code devices}, {@code tasks} and the {@code root}
 * cgroup tree, each cgroup with its path, own tasks, every readable file's content keyed by its path
 * relative to the cgroup (e.g. {@code memory.devices/i915.0/memory.max}) and its children. Sorted
 * throughout, so equal hierarchies give equal text. Runs under the hierarchy lock for a consistent
 * picture.
 */
public final class SnapshotWriter {
  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  private final Hierarchy hierarchy;
  private final CgroupFs fs;
  private final String layout;

  public SnapshotWriter(Hierarchy hierarchy, CgroupFs fs, String layout) {
    this.hierarchy = hierarchy;
    this.fs = fs;
    this.layout = layout;
  }

  /** The snapshot, pretty-printed. */
  public String write() {
    return hierarchy.locked(() -> {
      ObjectNode top = MAPPER.createObjectNode();
      top.put("layout", layout);
      ArrayNode ctrls = top.putArray("controllers");
      for (String name : hierarchy.controllers().names()) {
        ctrls.add(name);
      }
      ArrayNode devices = top.putArray("devices");
      for (Registration r : hierarchy.registrations().values()) {
        ObjectNode d = devices.addObject();
        d.put("name", r.name());
        d.put("driver", r.spec().driver());
        ArrayNode bound = d.putArray("controllers");
        for (StateSlot<?> b : r.slots()) {
          bound.add(b.controller().name());
        }
        ArrayNode regions = d.putArray("regions");
        for (RegionSpec reg : r.spec().regions()) {
          regions.addObject().put("name", reg.name()).put("capacity", reg.capacity()).put("pageSize", reg.pageSize());
        }
        ArrayNode engines = d.putArray("engines");
        for (EngineSpec en : r.spec().engines()) {
          engines.addObject().put("name", en.name()).put("class", en.engineClass());
        }
        ObjectNode attrs = d.putObject("attributes");
        r.spec().attributes().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
            .forEach(a -> attrs.put(a.getKey(), a.getValue()));
      }
      ArrayNode tasks = top.putArray("tasks");
      for (ModelTask t : hierarchy.tasks()) {
        tasks.addObject().put("pid", t.pid()).put("name", t.name()).put("cgroup", t.cgroup().toString());
      }
      cgroup(hierarchy.root(), top.putObject("root"));
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(top);
    });
  }

  private void cgroup(Cgroup c, ObjectNode node) {
    node.put("path", c.path().toString());
    ArrayNode tasks = node.putArray("tasks");
    for (ModelTask t : c.tasks()) {
      tasks.addObject().put("pid", t.pid()).put("name", t.name());
    }
    ObjectNode files = node.putObject("files");
    ArrayNode children = node.putArray("children");
    String base = c.isRoot() ? "" : c.path().toString();
    for (FsEntry e : fs.list(c.isRoot() ? "/" : base)) {
      Cgroup child = c.child(e.name());
      if (child != null) {
        cgroup(child, children.addObject());
      } else {
        files(base + "/" + e.name(), e.name(), e, files);
      }
    }
  }

  private void files(String path, String relative, FsEntry e, ObjectNode files) {
    if (e.isDirectory()) {
      for (FsEntry sub : fs.list(path)) {
        files(path + "/" + sub.name(), relative + "/" + sub.name(), sub, files);
      }
    } else if (e.readable()) {
      try {
        files.put(relative, fs.read(path));
      } catch (CgroupException ex) {
        files.put(relative, "<" + ex.errno() + ": " + ex.getMessage() + ">");
      }
    }
  }
}
