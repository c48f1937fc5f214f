package io.cgdev.sim.scenario;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupFs;
import io.cgdev.sim.scenario.Scenario.Tenant;
import io.cgdev.sim.scenario.Scenario.Write;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Makes a scenario's cgroup tree in a hierarchy through the file view, exactly as a user would:
 * enables every present controller in {@code cgroup.subtree_control} where a cgroup has children,
 * creates the cgroups parents first and writes each value to its file. A value the file refuses
 * becomes a {@link ScenarioException} naming the field and line that declared it, with the file
 * view's own message (so the codecs of io.cgdev.api decide what is valid).
 */
public final class TreeBuilder {
  /** A region name, white space, then a value: {@code lmem0 1024M}, {@code drm/0000:03:00.0/vram0 max}. */
  private static final Pattern REGION_KEYED = Pattern.compile("\\s*[A-Za-z][\\w./:-]*\\s+\\S+\\s*");

  private final CgroupFs fs;
  private final Set<String> controllers;
  private final String device;

  /**
   * @param controllers the controllers present, in the order to enable them
   * @param device the device that controller sections without {@code devices:} refer to
   */
  public TreeBuilder(CgroupFs fs, Set<String> controllers, String device) {
    this.fs = Objects.requireNonNull(fs, "fs");
    this.controllers = Set.copyOf(controllers);
    this.device = Objects.requireNonNull(device, "device");
  }

  /** The value for {@code cgroup.subtree_control} that enables every present controller. */
  public String enableAll() {
    StringBuilder sb = new StringBuilder();
    controllers.stream().sorted().forEach(c -> sb.append(sb.isEmpty() ? "" : " ").append('+').append(c));
    return sb.toString();
  }

  /**
   * Builds the tree.
   *
   * @throws ScenarioException for the first write, mkdir or reference the hierarchy refuses
   */
  public void build(Scenario scenario) {
    if (!controllers.isEmpty()) {
      fs.write("/cgroup.subtree_control", enableAll());
    }
    for (Tenant t : scenario.tenants()) {
      build(scenario, t);
    }
  }

  private void build(Scenario scenario, Tenant t) {
    try {
      fs.mkdir(t.path());
    } catch (CgroupException e) {
      Node name = ((Node.MapNode) t.at()).fields().get("name");
      throw new ScenarioException(scenario.source(), name.line(), name.field(), "cannot create " + t.path() + ": "
          + e.errno().name() + ": " + e.getMessage());
    }
    if (!t.children().isEmpty() && !controllers.isEmpty()) {
      fs.write(t.path() + "/cgroup.subtree_control", enableAll());
    }
    for (Write w : t.writes()) {
      if (w.controller() != null && !controllers.contains(w.controller())) {
        throw new ScenarioException(scenario.source(), w.at().line(), w.at().field(),
            "unknown controller '" + w.controller() + "' (present: " + String.join(", ", controllers.stream().sorted().toList())
            + "; a tenant's other fields are name, files, devices, workloads, children)");
      }
      String file = t.path() + "/" + w.file(device);
      try {
        fs.write(file, w.value());
      } catch (CgroupException e) {
        String reason = e.errno() == io.cgdev.api.Errno.ENOENT
            ? "no such file " + file + " (" + e.getMessage() + ")"
            : e.getMessage() + " (" + e.errno().name() + ")" + regionKeyHint(w);
        throw new ScenarioException(scenario.source(), w.at().line(), w.at().field(), reason);
      }
    }
    for (Tenant c : t.children()) {
      build(scenario, c);
    }
  }

  /**
   * For a memory value written as {@code REGION VALUE} (dmem's form, and that of scenario files written for
   * earlier versions, e.g. ../shared/bench/hundred-workloads.yaml's {@code max: lmem0 1024M}): how to write it
   * now. Empty for any other value.
   */
  static String regionKeyHint(Write w) {
    if (!"memory".equals(w.controller()) || !REGION_KEYED.matcher(w.value()).matches()) {
      return "";
    }
    String value = w.value().strip();
    return "; a per-device memory file takes one value, as memcg's does: each memory registration governs one"
        + " region, so write '" + w.key() + ": " + value.substring(value.indexOf(' ') + 1).strip() + "' ('REGION VALUE'"
        + " lines are dmem's form, in the cgroup's dmem." + w.key() + "; docs/SCENARIOS.md)";
  }
}
