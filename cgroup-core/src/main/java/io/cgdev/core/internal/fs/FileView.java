package io.cgdev.core.internal.fs;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupFs;
import io.cgdev.api.Errno;
import io.cgdev.api.FsEntry;
import io.cgdev.api.OpenFile;
import io.cgdev.api.OpenOptions;
import io.cgdev.api.Subscription;
import io.cgdev.api.spi.CgroupFile;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.DeviceState;
import io.cgdev.core.internal.hierarchy.Cgroup;
import io.cgdev.core.internal.hierarchy.ControllerEntry;
import io.cgdev.core.internal.hierarchy.ControllerTable;
import io.cgdev.core.internal.hierarchy.CoreFileNames;
import io.cgdev.core.internal.hierarchy.CoreFiles;
import io.cgdev.core.internal.hierarchy.FileEvents;
import io.cgdev.core.internal.hierarchy.Hierarchy;
import io.cgdev.core.internal.hierarchy.Registration;
import io.cgdev.core.internal.hierarchy.StateSlot;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The {@link CgroupFs} of a hierarchy. Path resolution, listing and reads take no lock; writes,
 * mkdir and rmdir run under the hierarchy lock.
 *
 * <p>Placement: a controller's host files ({@code <ctrl>.<file>}) and its per-device folder show
 * where the controller is visible (the root always; elsewhere when the parent enables it), filtered
 * by {@code ONLY_ON_ROOT}/{@code NOT_ON_ROOT}. The per-controller layout puts a device's files at
 * {@code <cgroup>/<ctrl>.devices/<dev>/<ctrl>.<file>}; the per-device layout at {@code
 * <cgroup>/devices/<dev>/<ctrl>.<file>}.
 */
public final class FileView implements CgroupFs {
  private static final Comparator<FsEntry> BY_NAME = Comparator.comparing(FsEntry::name);

  private final Hierarchy hierarchy;
  private final ControllerTable controllers;
  private final CoreFiles core;
  private final boolean perDevice;

  public FileView(Hierarchy hierarchy, CoreFiles core, boolean perDevice) {
    this.hierarchy = hierarchy;
    this.controllers = hierarchy.controllers();
    this.core = core;
    this.perDevice = perDevice;
  }

  // ---------------------------------------------------------------- resolution

  /** Resolves a path. @throws CgroupException {@code ENOENT}, {@code ENOTDIR}, {@code EINVAL} */
  Node resolve(String path) {
    return resolve(path, PathNames.names(path));
  }

  private Node resolve(String path, List<String> names) {
    Node node = new Node.CgroupDir(hierarchy.root());
    for (int i = 0; i < names.size(); i++) {
      if (!(node instanceof Node.Dir dir)) {
        throw CgroupException.of(Errno.ENOTDIR, "%s: %s is not a folder", path, PathNames.normalise(names.subList(0, i)));
      }
      Node next = child(dir, names.get(i));
      if (next == null) {
        throw CgroupException.of(Errno.ENOENT, "%s: no entry %s", path, PathNames.normalise(names.subList(0, i + 1)));
      }
      node = next;
    }
    return node;
  }

  /** The entry of a folder with this name, or {@code null}. */
  Node child(Node.Dir dir, String name) {
    Cgroup c = dir.cgroup();
    return switch (dir) {
      case Node.CgroupDir d -> cgroupChild(c, name);
      case Node.ControllerDevicesDir d -> {
        Registration r = hierarchy.registrations().get(name);
        yield r != null && r.slot(d.controller()) != null ? new Node.DeviceDir(c, d.controller(), r) : null;
      }
      case Node.DevicesDir d -> {
        Registration r = hierarchy.registrations().get(name);
        yield r != null && r.boundToAny(c.visibleMask()) ? new Node.DeviceDir(c, null, r) : null;
      }
      case Node.DeviceDir d -> deviceFile(d, name);
    };
  }

  private Node cgroupChild(Cgroup c, String name) {
    Cgroup child = c.child(name);
    if (child != null) {
      return new Node.CgroupDir(child);
    }
    if (name.startsWith(CoreFileNames.PREFIX)) {
      CgroupFile<Cgroup> f = core.files().get(name);
      return f != null && f.appearsOn(c.isRoot()) ? new Node.CoreFile(c, name, f) : null;
    }
    if (perDevice && name.equals("devices")) {
      return c.visibleMask() != 0 ? new Node.DevicesDir(c) : null;
    }
    int dot = name.indexOf('.');
    if (dot <= 0) {
      return null;
    }
    ControllerEntry<?> e = controllers.get(name.substring(0, dot));
    if (e == null) {
      return null;
    }
    long generation = c.visibilityGeneration(e);
    if (!c.shows(e)) {
      return null;
    }
    if (!perDevice && e.hasDeviceFolder() && name.length() == dot + 8 && name.endsWith(".devices")) {
      return new Node.ControllerDevicesDir(c, e);
    }
    CgroupFile<CgroupHandle> f = e.hostFiles().get(name);
    return f != null && f.appearsOn(c.isRoot()) && c.showsFile(f) ? new Node.HostFile(c, name, e, f, generation) : null;
  }

  private Node deviceFile(Node.DeviceDir d, String name) {
    Cgroup c = d.cgroup();
    int dot = name.indexOf('.');
    if (dot <= 0) {
      return null;
    }
    ControllerEntry<?> e = controllers.get(name.substring(0, dot));
    if (e == null || (d.controller() != null && d.controller() != e)) {
      return null;
    }
    long generation = c.visibilityGeneration(e);
    if (!c.shows(e)) {
      return null;
    }
    StateSlot<?> slot = d.registration().slot(e);
    return slot == null ? null : deviceFile(c, name, slot, generation);
  }

  private <S extends DeviceState> Node deviceFile(Cgroup c, String name, StateSlot<S> slot, long generation) {
    CgroupFile<S> f = slot.controller().deviceFiles().get(name);
    return f != null && f.appearsOn(c.isRoot()) && c.showsFile(f) ? new Node.DeviceFile<>(c, name, slot, f, generation) : null;
  }

  // ---------------------------------------------------------------- listing

  private List<FsEntry> entries(Node.Dir dir) {
    Cgroup c = dir.cgroup();
    List<FsEntry> out = new ArrayList<>();
    switch (dir) {
      case Node.CgroupDir d -> {
        boolean root = c.isRoot();
        for (Map.Entry<String, CgroupFile<Cgroup>> f : core.files().entrySet()) {
          if (f.getValue().appearsOn(root)) {
            out.add(new FsEntry(f.getKey(), FsEntry.Kind.FILE, f.getValue().mode()));
          }
        }
        long mask = c.visibleMask();
        for (ControllerEntry<?> e : controllers) {
          if ((mask & e.bit()) == 0) {
            continue;
          }
          for (Map.Entry<String, CgroupFile<CgroupHandle>> f : e.hostFiles().entrySet()) {
            if (f.getValue().appearsOn(root) && c.showsFile(f.getValue())) {
              out.add(new FsEntry(f.getKey(), FsEntry.Kind.FILE, f.getValue().mode()));
            }
          }
          if (!perDevice && e.hasDeviceFolder()) {
            out.add(new FsEntry(e.name() + ".devices", FsEntry.Kind.DIRECTORY, 0755));
          }
        }
        if (perDevice && mask != 0) {
          out.add(new FsEntry("devices", FsEntry.Kind.DIRECTORY, 0755));
        }
        for (Cgroup child : c.children()) {
          out.add(new FsEntry(child.name(), FsEntry.Kind.DIRECTORY, 0755));
        }
      }
      case Node.ControllerDevicesDir d -> {
        for (Registration r : hierarchy.registrations().values()) {
          if (r.slot(d.controller()) != null) {
            out.add(new FsEntry(r.name(), FsEntry.Kind.DIRECTORY, 0755));
          }
        }
      }
      case Node.DevicesDir d -> {
        for (Registration r : hierarchy.registrations().values()) {
          if (r.boundToAny(c.visibleMask())) {
            out.add(new FsEntry(r.name(), FsEntry.Kind.DIRECTORY, 0755));
          }
        }
      }
      case Node.DeviceDir d -> {
        long mask = c.visibleMask();
        for (StateSlot<?> slot : d.registration().slots()) {
          if ((d.controller() == null || d.controller() == slot.controller()) && (mask & slot.controller().bit()) != 0) {
            for (Map.Entry<String, ? extends CgroupFile<?>> f : slot.controller().deviceFiles().entrySet()) {
              if (f.getValue().appearsOn(c.isRoot()) && c.showsFile(f.getValue())) {
                out.add(new FsEntry(f.getKey(), FsEntry.Kind.FILE, f.getValue().mode()));
              }
            }
          }
        }
      }
    }
    out.sort(BY_NAME);
    return out;
  }

  // ---------------------------------------------------------------- CgroupFs

  @Override
  public List<FsEntry> list(String path) {
    Node n = resolve(path);
    if (!(n instanceof Node.Dir dir)) {
      throw CgroupException.of(Errno.ENOTDIR, "cannot list %s: not a folder", path);
    }
    return List.copyOf(entries(dir));
  }

  @Override
  public FsEntry stat(String path) {
    return resolve(path).entry();
  }

  @Override
  public OpenFile open(String path, OpenOptions options) {
    List<String> names = PathNames.names(path);
    Node n = resolve(path, names);
    if (!(n instanceof Node.File file)) {
      throw CgroupException.of(Errno.EISDIR, "cannot open %s: it is a folder", path);
    }
    CgroupFile<?> decl = file.declaration();
    if (options.write() && !decl.writable()) {
      throw CgroupException.of(Errno.EACCES, "cannot open %s for writing: it is read-only", path);
    }
    if (options.read() && !decl.readable()) {
      throw CgroupException.of(Errno.EACCES, "cannot open %s for reading: it is write-only", path);
    }
    return new OpenHandle(hierarchy, names, file, options);
  }

  @Override
  public Subscription onChange(Consumer<String> listener) {
    Objects.requireNonNull(listener, "listener");
    return hierarchy.fileEvents().onAny(key -> listener.accept(path(key)));
  }

  /** The path of a notified file in this view's layout. */
  String path(FileEvents.Key key) {
    String cgroup = key.cgroup().isRoot() ? "" : key.cgroup().path().toString();
    if (key.slot() == null) {
      return cgroup + "/" + key.name();
    }
    String folder = perDevice ? "devices" : key.slot().controller().name() + ".devices";
    return cgroup + "/" + folder + "/" + key.slot().registration().name() + "/" + key.name();
  }

  @Override
  public void mkdir(String path) {
    List<String> names = PathNames.names(path);
    if (names.isEmpty()) {
      throw new CgroupException(Errno.EEXIST, "cannot create /: the root exists");
    }
    String parentPath = PathNames.normalise(names.subList(0, names.size() - 1));
    String name = names.getLast();
    hierarchy.locked(() -> {
      Node parent = resolve(parentPath);
      switch (parent) {
        case Node.File f -> throw CgroupException.of(Errno.ENOTDIR, "cannot create %s: %s is a file", path, parentPath);
        // every entry a cgroup folder holds is a child or one of its FolderEntries: the hierarchy says EEXIST
        case Node.CgroupDir d -> hierarchy.mkdir(d.cgroup(), name);
        case Node.Dir d -> {
          if (child(d, name) != null) {
            throw CgroupException.of(Errno.EEXIST, "cannot create %s: it exists", path);
          }
          throw CgroupException.of(Errno.EPERM, "cannot create %s: %s is not a cgroup folder", path, parentPath);
        }
      }
    });
  }

  @Override
  public void rmdir(String path) {
    hierarchy.locked(() -> {
      Node n = resolve(path);
      switch (n) {
        case Node.File f -> throw CgroupException.of(Errno.ENOTDIR, "cannot remove %s: not a folder", path);
        case Node.CgroupDir d -> hierarchy.rmdir(d.cgroup());
        case Node.Dir d -> throw CgroupException.of(Errno.EPERM, "cannot remove %s: not a cgroup folder", path);
      }
    });
  }
}
