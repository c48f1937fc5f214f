package io.cgdev.core.internal.fs;

import io.cgdev.api.FsEntry;
import io.cgdev.api.spi.CgroupFile;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.DeviceState;
import io.cgdev.api.spi.FileHandle;
import io.cgdev.core.internal.hierarchy.Binding;
import io.cgdev.core.internal.hierarchy.Cgroup;
import io.cgdev.core.internal.hierarchy.ControllerEntry;
import io.cgdev.core.internal.hierarchy.Registration;

/**
 * What a path of the file view names. Folders: a cgroup, a {@code <ctrl>.devices} folder, the {@code
 * devices} folder of the per-device layout, and a device folder. Files: a core file, a controller's
 * host file, a controller's per-device file. A node is a value made at resolution; {@link #present()}
 * tells whether the entry still exists (for open handles, whose target may vanish).
 */
sealed interface Node {
  /** The cgroup the node lies in. */
  Cgroup cgroup();

  /** The last path name. */
  String name();

  /** True while the entry is still in the tree. */
  boolean present();

  FsEntry entry();

  /** A folder. */
  sealed interface Dir extends Node {
    @Override
    default FsEntry entry() {
      return new FsEntry(name(), FsEntry.Kind.DIRECTORY, 0755);
    }
  }

  /** A cgroup's folder. */
  record CgroupDir(Cgroup cgroup) implements Dir {
    @Override
    public String name() {
      return cgroup.name();
    }

    @Override
    public boolean present() {
      return cgroup.online();
    }
  }

  /** {@code <ctrl>.devices}: one folder per device bound to the controller. */
  record ControllerDevicesDir(Cgroup cgroup, ControllerEntry<?> controller, long all) implements Dir {
    @Override
    public String name() {
      return controller.name() + ".devices";
    }

    @Override
    public boolean present() {
      return cgroup.online() && visible(cgroup, controller, all);
    }
  }

  /** {@code devices}: the per-device layout's folder of device folders. */
  record DevicesDir(Cgroup cgroup, long all) implements Dir {
    @Override
    public String name() {
      return "devices";
    }

    @Override
    public boolean present() {
      return cgroup.online() && cgroup.visibleMask(all) != 0;
    }
  }

  /**
   * A device's folder: under {@code <ctrl>.devices} ({@code controller} set) or under {@code devices}
   * ({@code controller} null: the files of every visible controller bound to the device).
   */
  record DeviceDir(Cgroup cgroup, ControllerEntry<?> controller, Registration registration, long all) implements Dir {
    @Override
    public String name() {
      return registration.name();
    }

    @Override
    public boolean present() {
      if (!cgroup.online() || !registration.registered()) {
        return false;
      }
      if (controller != null) {
        return visible(cgroup, controller, all);
      }
      long mask = cgroup.visibleMask(all);
      for (Binding<?> b : registration.bindings()) {
        if ((mask & b.controller().bit()) != 0) {
          return true;
        }
      }
      return false;
    }
  }

  /** An interface file. */
  sealed interface File extends Node {
    CgroupFile<?> declaration();

    String read(FileHandle handle);

    void write(String value, FileHandle handle);

    @Override
    default FsEntry entry() {
      return new FsEntry(name(), FsEntry.Kind.FILE, declaration().mode());
    }
  }

  /** A {@code cgroup.*} file. */
  record CoreFile(Cgroup cgroup, String name, CgroupFile<Cgroup> declaration) implements File {
    @Override
    public boolean present() {
      return cgroup.online();
    }

    @Override
    public String read(FileHandle handle) {
      return declaration.read(cgroup, handle);
    }

    @Override
    public void write(String value, FileHandle handle) {
      declaration.write(cgroup, value, handle);
    }
  }

  /** A controller's host file {@code <ctrl>.<file>}. */
  record HostFile(Cgroup cgroup, String name, ControllerEntry<?> controller, CgroupFile<CgroupHandle> declaration, long all)
      implements File {
    @Override
    public boolean present() {
      return cgroup.online() && visible(cgroup, controller, all);
    }

    @Override
    public String read(FileHandle handle) {
      return declaration.read(cgroup, handle);
    }

    @Override
    public void write(String value, FileHandle handle) {
      declaration.write(cgroup, value, handle);
    }
  }

  /** A controller's file for one device. */
  record DeviceFile<S extends DeviceState>(Cgroup cgroup, String name, Binding<S> binding, CgroupFile<S> declaration, long all)
      implements File {
    @Override
    public boolean present() {
      return cgroup.online() && binding.live() && binding.registration().registered()
          && visible(cgroup, binding.controller(), all);
    }

    @Override
    public String read(FileHandle handle) {
      return declaration.read(cgroup.state(binding), handle);
    }

    @Override
    public void write(String value, FileHandle handle) {
      declaration.write(cgroup.state(binding), value, handle);
    }
  }

  /** Whether a controller's files show in a cgroup: always at the root, else if the parent enables it. */
  static boolean visible(Cgroup cgroup, ControllerEntry<?> controller, long all) {
    return (cgroup.visibleMask(all) & controller.bit()) != 0;
  }
}
