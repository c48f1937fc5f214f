package io.cgdev.core.internal.fs;

import io.cgdev.api.CgroupException;
import io.cgdev.api.FsEntry;
import io.cgdev.api.spi.CgroupFile;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.DeviceState;
import io.cgdev.api.spi.FileHandle;
import io.cgdev.core.internal.hierarchy.Cgroup;
import io.cgdev.core.internal.hierarchy.ControllerEntry;
import io.cgdev.core.internal.hierarchy.FileEvents;
import io.cgdev.core.internal.hierarchy.Registration;
import io.cgdev.core.internal.hierarchy.StateSlot;
import io.cgdev.core.internal.guard.Plugin;

/**
 * What a path of the file view names. Folders: a cgroup, a {@code <ctrl>.devices} folder, the {@code
 * devices} folder of the per-device layout, and a device folder. Files: a core file, a controller's
 * host file, a controller's per-device file. A node is a value made at resolution; {@link #present()}
 * tells whether the entry still exists (for open handles, whose target may vanish). A controller's
 * file node keeps the {@link Cgroup#visibilityGeneration} it was resolved under, so that it stays
 * gone once the controller was disabled, even if it is enabled again.
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
  record ControllerDevicesDir(Cgroup cgroup, ControllerEntry<?> controller) implements Dir {
    @Override
    public String name() {
      return controller.name() + ".devices";
    }

    @Override
    public boolean present() {
      return cgroup.online() && cgroup.shows(controller);
    }
  }

  /** {@code devices}: the per-device layout's folder of device folders. */
  record DevicesDir(Cgroup cgroup) implements Dir {
    @Override
    public String name() {
      return "devices";
    }

    @Override
    public boolean present() {
      return cgroup.online() && cgroup.visibleMask() != 0;
    }
  }

  /**
   * A device's folder: under {@code <ctrl>.devices} ({@code controller} set) or under {@code devices}
   * ({@code controller} null: the files of every visible controller bound to the device).
   */
  record DeviceDir(Cgroup cgroup, ControllerEntry<?> controller, Registration registration) implements Dir {
    @Override
    public String name() {
      return registration.name();
    }

    @Override
    public boolean present() {
      return cgroup.online() && registration.registered()
          && (controller != null ? cgroup.shows(controller) : registration.boundToAny(cgroup.visibleMask()));
    }
  }

  /** An interface file. */
  sealed interface File extends Node {
    CgroupFile<?> declaration();

    String read(FileHandle handle);

    void write(String value, FileHandle handle);

    /** The plugin whose code reads and writes the file, or {@code null} for the core's own files. */
    default Plugin plugin() {
      return null;
    }

    /**
     * The file's {@link CgroupFile#poll} and {@link CgroupFile#release} bound to the target it has now,
     * which an open handle keeps from open to close: a handle must release on the target it set up
     * (a device state stays the handle's even once its cgroup's slot was cleared).
     */
    Target target();

    /** The file's identity for change notification. */
    default FileEvents.Key eventKey() {
      return new FileEvents.Key(cgroup(), null, name());
    }

    @Override
    default FsEntry entry() {
      return new FsEntry(name(), FsEntry.Kind.FILE, declaration().mode());
    }
  }

  /** A file read and written with its cgroup as the target: a core file or a controller's host file. */
  sealed interface CgroupLevelFile extends File {
    @Override
    CgroupFile<? super Cgroup> declaration();

    @Override
    default String read(FileHandle handle) {
      return declaration().read(cgroup(), handle);
    }

    @Override
    default Target target() {
      return new Bound<>(declaration(), cgroup());
    }

    @Override
    default void write(String value, FileHandle handle) {
      declaration().write(cgroup(), value, handle);
    }
  }

  /** A {@code cgroup.*} file. */
  record CoreFile(Cgroup cgroup, String name, CgroupFile<Cgroup> declaration) implements CgroupLevelFile {
    @Override
    public boolean present() {
      return cgroup.online();
    }
  }

  /** A controller's host file {@code <ctrl>.<file>}, resolved under {@code generation}. */
  record HostFile(Cgroup cgroup, String name, ControllerEntry<?> controller, CgroupFile<CgroupHandle> declaration,
      long generation) implements CgroupLevelFile {
    @Override
    public boolean present() {
      return stillShown(cgroup, controller, generation) && cgroup.showsFile(declaration);
    }

    @Override
    public Plugin plugin() {
      return controller.plugin();
    }
  }

  /** A controller's file for one device, resolved under {@code generation}. */
  record DeviceFile<S extends DeviceState>(Cgroup cgroup, String name, StateSlot<S> slot, CgroupFile<S> declaration,
      long generation) implements File {
    @Override
    public boolean present() {
      return slot.live() && slot.registration().registered() && stillShown(cgroup, slot.controller(), generation)
          && cgroup.showsFile(declaration);
    }

    @Override
    public Plugin plugin() {
      return slot.controller().plugin();
    }

    @Override
    public FileEvents.Key eventKey() {
      return new FileEvents.Key(cgroup, slot, name);
    }

    @Override
    public String read(FileHandle handle) {
      return declaration.read(cgroup.state(slot), handle);
    }

    /** The state now; {@link Target#NONE} if it is gone already (nothing was set up on it, nothing to release). */
    @Override
    public Target target() {
      try {
        return new Bound<>(declaration, cgroup.state(slot));
      } catch (CgroupException e) {
        return Target.NONE;
      }
    }

    @Override
    public void write(String value, FileHandle handle) {
      declaration.write(cgroup.state(slot), value, handle);
    }
  }

  /** A file's poll and release on one target (see {@link File#target()}). */
  interface Target {
    /** The target of a file that vanished before it was opened: polls ready, releases nothing. */
    Target NONE = new Target() {
      @Override
      public boolean poll(FileHandle handle) {
        return true;
      }

      @Override
      public void release(FileHandle handle) {}
    };

    boolean poll(FileHandle handle);

    void release(FileHandle handle);
  }

  /** {@link Target} of a declaration on its target. */
  record Bound<S>(CgroupFile<? super S> file, S target) implements Target {
    @Override
    public boolean poll(FileHandle handle) {
      return file.poll(target, handle);
    }

    @Override
    public void release(FileHandle handle) {
      file.release(target, handle);
    }
  }

  /**
   * Whether a controller's file resolved under {@code generation} is still there: the cgroup is live
   * and shows the controller, and the controller was not disabled since (the generation is read
   * first, see {@link Cgroup#subtreeControl(long)}).
   */
  private static boolean stillShown(Cgroup cgroup, ControllerEntry<?> controller, long generation) {
    return cgroup.online() && cgroup.visibilityGeneration(controller) == generation && cgroup.shows(controller);
  }
}
