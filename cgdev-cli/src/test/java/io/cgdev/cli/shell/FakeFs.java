package io.cgdev.cli.shell;

import io.cgdev.api.ByteSize;
import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupFs;
import io.cgdev.api.CgroupPath;
import io.cgdev.api.Errno;
import io.cgdev.api.FsEntry;
import io.cgdev.api.OpenFile;
import io.cgdev.api.OpenOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A small in-memory {@link CgroupFs} with the kernel's errno rules for the shell tests, so they
 * exercise every error path without the core: each cgroup has a read-only {@code cgroup.procs} and
 * a per-device {@code memory.devices/gpu0/memory.max} (validated with {@link ByteSize}).
 */
final class FakeFs implements CgroupFs {
  private final Map<String, String> files = new TreeMap<>();
  private final Map<String, Boolean> writable = new TreeMap<>();
  private final java.util.Set<String> dirs = new java.util.TreeSet<>();
  private final java.util.Set<String> cgroups = new java.util.TreeSet<>();

  FakeFs() {
    addCgroup("/");
  }

  private void addCgroup(String path) {
    cgroups.add(path);
    dirs.add(path);
    String p = path.equals("/") ? "" : path;
    files.put(p + "/cgroup.procs", "");
    writable.put(p + "/cgroup.procs", false);
    dirs.add(p + "/memory.devices");
    dirs.add(p + "/memory.devices/gpu0");
    files.put(p + "/memory.devices/gpu0/memory.max", "max\n");
    writable.put(p + "/memory.devices/gpu0/memory.max", true);
  }

  private static String parentOf(String path) {
    int i = path.lastIndexOf('/');
    return i <= 0 ? "/" : path.substring(0, i);
  }

  @Override
  public List<FsEntry> list(String path) {
    if (files.containsKey(path)) {
      throw new CgroupException(Errno.ENOTDIR, path + " is a file");
    }
    if (!dirs.contains(path)) {
      throw new CgroupException(Errno.ENOENT, "no such folder " + path);
    }
    List<FsEntry> out = new ArrayList<>();
    for (String d : dirs) {
      if (!d.equals("/") && !d.equals(path) && parentOf(d).equals(path)) {
        out.add(new FsEntry(d.substring(d.lastIndexOf('/') + 1), FsEntry.Kind.DIRECTORY, 0755));
      }
    }
    for (String f : files.keySet()) {
      if (parentOf(f).equals(path)) {
        out.add(new FsEntry(f.substring(f.lastIndexOf('/') + 1), FsEntry.Kind.FILE, writable.get(f) ? 0644 : 0444));
      }
    }
    out.sort(java.util.Comparator.comparing(FsEntry::name));
    return out;
  }

  @Override
  public FsEntry stat(String path) {
    if (dirs.contains(path)) {
      return new FsEntry(path.substring(path.lastIndexOf('/') + 1), FsEntry.Kind.DIRECTORY, 0755);
    }
    if (files.containsKey(path)) {
      return new FsEntry(path.substring(path.lastIndexOf('/') + 1), FsEntry.Kind.FILE, writable.get(path) ? 0644 : 0444);
    }
    throw new CgroupException(Errno.ENOENT, "no such file or folder " + path);
  }

  @Override
  public OpenFile open(String path, OpenOptions options) {
    if (dirs.contains(path)) {
      throw new CgroupException(Errno.EISDIR, path + " is a folder");
    }
    if (!files.containsKey(path)) {
      throw new CgroupException(Errno.ENOENT, "no such file " + path);
    }
    if (options.write() && !writable.get(path)) {
      throw new CgroupException(Errno.EACCES, path + " is read-only");
    }
    return new OpenFile() {
      @Override
      public String path() {
        return path;
      }

      @Override
      public String read() {
        return files.get(path);
      }

      @Override
      public void write(String value) {
        if (value.length() > MAX_WRITE_BYTES) {
          throw new CgroupException(Errno.E2BIG, "write of " + value.length() + " bytes to " + path);
        }
        files.put(path, ByteSize.format(ByteSize.parse(value)) + "\n");
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public void mkdir(String path) {
    if (dirs.contains(path) || files.containsKey(path)) {
      throw new CgroupException(Errno.EEXIST, path + " exists");
    }
    CgroupPath.parse(path);
    if (!cgroups.contains(parentOf(path))) {
      throw new CgroupException(dirs.contains(parentOf(path)) ? Errno.EPERM : Errno.ENOENT, "no cgroup " + parentOf(path));
    }
    addCgroup(path);
  }

  @Override
  public void rmdir(String path) {
    if (path.equals("/")) {
      throw new CgroupException(Errno.EPERM, "the root cannot be removed");
    }
    if (!cgroups.contains(path)) {
      throw new CgroupException(dirs.contains(path) ? Errno.EPERM : Errno.ENOENT, "no cgroup " + path);
    }
    if (cgroups.stream().anyMatch(c -> !c.equals(path) && parentOf(c).equals(path))) {
      throw new CgroupException(Errno.EBUSY, path + " has child cgroups");
    }
    cgroups.remove(path);
    dirs.removeIf(d -> d.equals(path) || d.startsWith(path + "/"));
    files.keySet().removeIf(f -> f.startsWith(path + "/"));
  }
}
