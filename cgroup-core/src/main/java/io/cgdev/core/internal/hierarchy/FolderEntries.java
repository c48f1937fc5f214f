package io.cgdev.core.internal.hierarchy;

import io.cgdev.api.spi.CgroupFile;
import io.cgdev.api.spi.CgroupHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The entries a cgroup's folder holds besides its child cgroups: the core files, and for every
 * controller the cgroup shows its host files and its {@code <ctrl>.devices} folder (or, in the
 * per-device layout, one {@code devices} folder). kernfs keeps them all in one folder and reserves
 * no names, so a cgroup may take any name that is not there now; mkdir of a name that is there is
 * {@code EEXIST}, and so is enabling a controller that would add an entry a child cgroup already
 * holds (the kernel's {@code css_populate_dir} failing). Stateless; lock-free.
 */
public final class FolderEntries {
  private final ControllerTable controllers;
  private final boolean perDevice;

  /** @param perDevice whether per-device files live under one {@code devices} folder */
  FolderEntries(ControllerTable controllers, boolean perDevice) {
    this.controllers = controllers;
    this.perDevice = perDevice;
  }

  /** True if {@code c}'s folder holds an entry named {@code name} other than a child cgroup. */
  boolean present(Cgroup c, String name) {
    if (name.startsWith(CoreFileNames.PREFIX)) {
      return CoreFileNames.NAMES.contains(name) && (!c.isRoot() || !CoreFileNames.NOT_ON_ROOT.contains(name));
    }
    long mask = c.visibleMask();
    if (perDevice && name.equals("devices")) {
      return mask != 0;
    }
    int dot = name.indexOf('.');
    ControllerEntry<?> e = dot > 0 ? controllers.get(name.substring(0, dot)) : null;
    if (e == null || (mask & e.bit()) == 0) {
      return false;
    }
    if (!perDevice && e.hasDeviceFolder() && name.equals(e.name() + ".devices")) {
      return true;
    }
    CgroupFile<CgroupHandle> f = e.hostFiles().get(name);
    return f != null && f.appearsOn(c.isRoot());
  }

  /**
   * The entry a child of {@code parent} already holds as a child cgroup and that enabling the
   * controllers of {@code enable} in {@code parent} would add to that child, as {@code
   * "/a/b: hugetlb.max"}; null if there is none. Under the lock.
   */
  String clash(Cgroup parent, long enable) {
    long before = parent.subtreeControl();
    for (Cgroup child : parent.children()) {
      for (String name : added(enable & ~before, before == 0)) {
        if (child.child(name) != null) {
          return child.path().child(name).toString();
        }
      }
    }
    return null;
  }

  /** The names enabling {@code enable} adds to a (non-root) cgroup, which showed nothing if {@code firstVisible}. */
  private List<String> added(long enable, boolean firstVisible) {
    List<String> out = new ArrayList<>();
    if (perDevice && firstVisible && enable != 0) {
      out.add("devices");
    }
    for (ControllerEntry<?> e : controllers) {
      if ((enable & e.bit()) == 0) {
        continue;
      }
      if (!perDevice && e.hasDeviceFolder()) {
        out.add(e.name() + ".devices");
      }
      for (Map.Entry<String, CgroupFile<CgroupHandle>> f : e.hostFiles().entrySet()) {
        if (f.getValue().appearsOn(false)) {
          out.add(f.getKey());
        }
      }
    }
    return out;
  }
}
