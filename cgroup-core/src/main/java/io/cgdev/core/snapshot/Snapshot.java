package io.cgdev.core.snapshot;

import io.cgdev.api.CgroupPath;
import io.cgdev.api.spi.EngineSpec;
import io.cgdev.api.spi.RegionSpec;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.SequencedMap;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A picture of a hierarchy at one moment, taken under the hierarchy lock by {@link
 * io.cgdev.core.Cgroups#snapshot()}: the controllers, the registered devices, the live tasks, and the
 * cgroup tree with each cgroup's own tasks and the content of every readable file. Everything is in
 * a fixed order, so equal hierarchies give equal snapshots. An immutable value; whoever wants a
 * format renders it (the {@code cgdev snapshot} command prints JSON).
 *
 * @param layout the name of the file layout, {@code PER_CONTROLLER} or {@code PER_DEVICE}
 * @param controllers the controller names, in name order
 * @param devices the registered devices, by name
 * @param tasks the live tasks, by pid
 * @param root the root cgroup and, below it, the tree
 */
public record Snapshot(String layout, List<String> controllers, List<Device> devices, List<Task> tasks, Cgroup root) {
  public Snapshot {
    controllers = List.copyOf(controllers);
    devices = List.copyOf(devices);
    tasks = List.copyOf(tasks);
  }

  /**
   * A registered device.
   *
   * @param name the device name
   * @param driver the driver's name
   * @param controllers the controllers bound to it, in name order
   * @param regions its memory regions, as registered
   * @param engines its engines, as registered
   * @param attributes its free-form facts, by key
   */
  public record Device(String name, String driver, List<String> controllers, List<RegionSpec> regions,
      List<EngineSpec> engines, SortedMap<String, String> attributes) {
    public Device {
      controllers = List.copyOf(controllers);
      regions = List.copyOf(regions);
      engines = List.copyOf(engines);
      attributes = Collections.unmodifiableSortedMap(new TreeMap<>(attributes));
    }
  }

  /**
   * A live task.
   *
   * @param pid its pid
   * @param name its name
   * @param cgroup the cgroup it is in
   */
  public record Task(int pid, String name, CgroupPath cgroup) {}

  /**
   * One cgroup.
   *
   * @param path its path
   * @param tasks its own tasks (not its descendants'), by pid
   * @param files the content of every readable file in the cgroup's folder and the folders below it
   *     that are not cgroups, keyed by the path relative to the cgroup (e.g. {@code
   *     memory.devices/i915.0/memory.max}), in the order of a walk that lists each folder by name; a
   *     file whose read failed holds {@code <ERRNO: message>}
   * @param children the child cgroups, by name
   */
  public record Cgroup(CgroupPath path, List<Task> tasks, SequencedMap<String, String> files, List<Cgroup> children) {
    public Cgroup {
      tasks = List.copyOf(tasks);
      files = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(files));
      children = List.copyOf(children);
    }

    /** The content of one file, by its path relative to this cgroup, or {@code null}. */
    public String file(String relativePath) {
      return files.get(relativePath);
    }

    /** The child of this name, or {@code null}. */
    public Cgroup child(String name) {
      for (Cgroup c : children) {
        if (c.path().name().equals(name)) {
          return c;
        }
      }
      return null;
    }
  }
}
