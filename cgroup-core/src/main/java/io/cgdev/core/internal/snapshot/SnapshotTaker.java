package io.cgdev.core.internal.snapshot;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupFs;
import io.cgdev.api.FsEntry;
import io.cgdev.api.Task;
import io.cgdev.core.internal.hierarchy.Cgroup;
import io.cgdev.core.internal.hierarchy.Hierarchy;
import io.cgdev.core.internal.hierarchy.ModelTask;
import io.cgdev.core.internal.hierarchy.Registration;
import io.cgdev.core.internal.hierarchy.StateSlot;
import io.cgdev.core.snapshot.Snapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.SequencedMap;
import java.util.TreeMap;

/**
 * Takes a {@link Snapshot} of a hierarchy under its lock, so that the picture is consistent: the
 * controllers, the devices by name, the tasks by pid, and the tree, each cgroup's files read through
 * the file view in the order of a walk that lists each folder by name.
 *
 * @param layout the name of the file view's layout, recorded in the snapshot
 */
public record SnapshotTaker(Hierarchy hierarchy, CgroupFs fs, String layout) {

  /** The snapshot, taken now. */
  public Snapshot take() {
    return hierarchy.locked(() -> {
      List<Snapshot.Device> devices = new ArrayList<>();
      for (Registration r : hierarchy.registrations().values()) {
        List<String> bound = new ArrayList<>();
        for (StateSlot<?> s : r.slots()) {
          bound.add(s.controller().name());
        }
        devices.add(new Snapshot.Device(r.name(), r.spec().driver(), bound, r.spec().regions(), r.spec().engines(),
            new TreeMap<>(r.spec().attributes())));
      }
      List<Snapshot.Task> tasks = new ArrayList<>();
      for (ModelTask t : hierarchy.tasks()) {
        tasks.add(task(t));
      }
      return new Snapshot(layout, List.copyOf(hierarchy.controllers().names()), devices, tasks, cgroup(hierarchy.root()));
    });
  }

  private static Snapshot.Task task(Task t) {
    return new Snapshot.Task(t.pid(), t.name(), t.cgroup());
  }

  private Snapshot.Cgroup cgroup(Cgroup c) {
    List<Snapshot.Task> tasks = new ArrayList<>();
    for (ModelTask t : c.tasks()) {
      tasks.add(task(t));
    }
    SequencedMap<String, String> files = new LinkedHashMap<>();
    List<Snapshot.Cgroup> children = new ArrayList<>();
    String base = c.isRoot() ? "" : c.path().toString();
    for (FsEntry e : fs.list(c.isRoot() ? "/" : base)) {
      Cgroup child = c.child(e.name());
      if (child != null) {
        children.add(cgroup(child));
      } else {
        files(base + "/" + e.name(), e.name(), e, files);
      }
    }
    return new Snapshot.Cgroup(c.path(), tasks, files, children);
  }

  private void files(String path, String relative, FsEntry e, SequencedMap<String, String> files) {
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
