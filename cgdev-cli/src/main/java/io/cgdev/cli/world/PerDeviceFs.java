package io.cgdev.cli.world;

import io.cgdev.api.CgroupFs;
import io.cgdev.api.FsEntry;
import io.cgdev.api.OpenFile;
import io.cgdev.api.OpenOptions;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The file view of a hierarchy booted with the {@code devices} layout ({@code
 * <cgroup>/devices/<device>/<ctrl>.<file>}), addressed as if it had the default {@code controller}
 * layout ({@code <cgroup>/<ctrl>.devices/<device>/<ctrl>.<file>}). The simulator and scenario files
 * name per-device files the default way; the tool hands them this view so that a scenario runs
 * unchanged under either layout, while the user (shell, tree, mount, snapshot) sees the real one.
 *
 * <p>A path is rewritten only where a segment {@code <ctrl>.devices} of a present controller is
 * followed by a device folder and one of that controller's files: {@code /a/cpu.devices/i915.0/cpu.stat}
 * becomes {@code /a/devices/i915.0/cpu.stat}; every other path (a cgroup that happens to be named
 * {@code cpu.devices}, too) passes as it is, so errors name the real file.
 * Thread-safe as the view it wraps.
 */
public final class PerDeviceFs implements CgroupFs {
  private final CgroupFs fs;
  private final Set<String> controllers;

  /**
   * @param fs the file view of a hierarchy booted with the {@code devices} layout
   * @param controllers the names of the controllers present
   */
  public PerDeviceFs(CgroupFs fs, Set<String> controllers) {
    this.fs = Objects.requireNonNull(fs, "fs");
    this.controllers = Set.copyOf(controllers);
  }

  /** {@code path} in the {@code devices} layout. */
  String translate(String path) {
    String[] parts = path.split("/", -1);
    StringBuilder out = new StringBuilder(path.length());
    boolean changed = false;
    for (int i = 0; i < parts.length; i++) {
      String p = parts[i];
      String controller = p.endsWith(".devices") ? p.substring(0, p.length() - ".devices".length()) : null;
      if (controller != null && controllers.contains(controller) && i + 2 < parts.length && !parts[i + 1].isEmpty()
          && parts[i + 2].startsWith(controller + ".")) {
        p = "devices";
        changed = true;
      }
      if (i > 0) {
        out.append('/');
      }
      out.append(p);
    }
    return changed ? out.toString() : path;
  }

  @Override
  public List<FsEntry> list(String path) {
    return fs.list(translate(path));
  }

  @Override
  public FsEntry stat(String path) {
    return fs.stat(translate(path));
  }

  @Override
  public OpenFile open(String path, OpenOptions options) {
    return fs.open(translate(path), options);
  }

  @Override
  public void mkdir(String path) {
    fs.mkdir(path);
  }

  @Override
  public void rmdir(String path) {
    fs.rmdir(path);
  }
}
