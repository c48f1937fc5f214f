package io.cgdev.fuse;

import io.cgdev.api.ByteSize;
import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupFs;
import io.cgdev.api.CgroupPath;
import io.cgdev.api.Errno;
import io.cgdev.api.FsEntry;
import io.cgdev.api.OpenFile;
import io.cgdev.api.OpenOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * A small in-memory {@link CgroupFs} with the shape of the real one: cgroups with {@code
 * cgroup.procs}, {@code cgroup.controllers}, {@code memory.max}, {@code memory.current}, a
 * multi-line {@code memory.stat} whose lines all carry one moving counter (to check that a reader
 * sees one snapshot), and a per-device folder {@code memory.devices/i915.0/}. Thread-safe through
 * one lock, like the hierarchy lock.
 */
final class FakeCgroupFs implements CgroupFs {
  static final String DEVICE = "memory.devices/i915.0";
  private static final Map<String, Integer> CGROUP_FILES = Map.of(
      "cgroup.controllers", 0444, "cgroup.procs", 0644, "cgroup.subtree_control", 0644,
      "memory.current", 0444, "memory.max", 0644, "memory.stat", 0444);
  private static final Map<String, Integer> DEVICE_FILES = Map.of("memory.current", 0444, "memory.max", 0644);
  private static final int STAT_LINES = 64;

  private final Object lock = new Object();
  private final Map<CgroupPath, Group> groups = new TreeMap<>();
  /** Moves on every read of memory.stat and whenever a test calls {@link #tick}. */
  final AtomicLong counter = new AtomicLong();

  private static final class Group {
    long memoryMax = ByteSize.MAX;
    long deviceMax = ByteSize.MAX;
    final Set<Integer> pids = new TreeSet<>();
  }

  FakeCgroupFs() {
    groups.put(CgroupPath.root(), new Group());
  }

  void tick() {
    counter.incrementAndGet();
  }

  /** Puts a modelled task into a cgroup. */
  void spawn(int pid, String cgroup) {
    synchronized (lock) {
      group(CgroupPath.parse(cgroup)).pids.add(pid);
    }
  }

  /** Where a pid is now. */
  String cgroupOf(int pid) {
    synchronized (lock) {
      return groups.entrySet().stream().filter(e -> e.getValue().pids.contains(pid))
          .map(e -> e.getKey().toString()).findFirst().orElseThrow();
    }
  }

  /** A resolved path: the cgroup, the folders below it, and the file name if it names a file. */
  private record Where(CgroupPath cgroup, List<String> rest) {
    boolean device() {
      return rest.size() >= 2;
    }
  }

  private Where where(String path) {
    if (path == null || !path.startsWith("/")) {
      throw CgroupException.of(Errno.ENOENT, "no such path %s", path);
    }
    List<String> names = Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
    CgroupPath at = CgroupPath.root();
    int i = 0;
    while (i < names.size()) {
      CgroupPath next;
      try {
        next = at.child(names.get(i));
      } catch (CgroupException e) {
        break;
      }
      if (!groups.containsKey(next)) {
        break;
      }
      at = next;
      i++;
    }
    List<String> rest = names.subList(i, names.size());
    boolean ok = switch (rest.size()) {
      case 0 -> true;
      case 1 -> CGROUP_FILES.containsKey(rest.get(0)) && visible(at, rest.get(0)) || rest.get(0).equals("memory.devices");
      case 2 -> rest.get(0).equals("memory.devices") && rest.get(1).equals("i915.0");
      case 3 -> rest.get(0).equals("memory.devices") && rest.get(1).equals("i915.0")
          && DEVICE_FILES.containsKey(rest.get(2)) && visible(at, rest.get(2));
      default -> false;
    };
    if (!ok) {
      throw CgroupException.of(Errno.ENOENT, "no such path %s", path);
    }
    return new Where(at, rest);
  }

  private static boolean visible(CgroupPath cgroup, String file) {
    return !(cgroup.isRoot() && file.equals("memory.max"));
  }

  private Group group(CgroupPath path) {
    Group g = groups.get(path);
    if (g == null) {
      throw CgroupException.of(Errno.ENOENT, "no cgroup %s", path);
    }
    return g;
  }

  @Override
  public List<FsEntry> list(String path) {
    synchronized (lock) {
      Where w = where(path);
      List<FsEntry> out = new ArrayList<>();
      switch (w.rest().size()) {
        case 0 -> {
          CGROUP_FILES.forEach((name, mode) -> {
            if (visible(w.cgroup(), name)) {
              out.add(new FsEntry(name, FsEntry.Kind.FILE, mode));
            }
          });
          out.add(new FsEntry("memory.devices", FsEntry.Kind.DIRECTORY, 0755));
          for (CgroupPath p : groups.keySet()) {
            if (!p.isRoot() && p.depth() == w.cgroup().depth() + 1 && p.startsWith(w.cgroup())) {
              out.add(new FsEntry(p.name(), FsEntry.Kind.DIRECTORY, 0755));
            }
          }
        }
        case 1 -> {
          if (!w.rest().get(0).equals("memory.devices")) {
            throw CgroupException.of(Errno.ENOTDIR, "%s is a file", path);
          }
          out.add(new FsEntry("i915.0", FsEntry.Kind.DIRECTORY, 0755));
        }
        case 2 -> DEVICE_FILES.forEach((name, mode) -> {
          if (visible(w.cgroup(), name)) {
            out.add(new FsEntry(name, FsEntry.Kind.FILE, mode));
          }
        });
        default -> throw CgroupException.of(Errno.ENOTDIR, "%s is a file", path);
      }
      out.sort(Comparator.comparing(FsEntry::name));
      return out;
    }
  }

  @Override
  public FsEntry stat(String path) {
    synchronized (lock) {
      Where w = where(path);
      List<String> r = w.rest();
      if (r.isEmpty()) {
        return new FsEntry(w.cgroup().name(), FsEntry.Kind.DIRECTORY, 0755);
      }
      String last = r.get(r.size() - 1);
      if (r.size() == 3) {
        return new FsEntry(last, FsEntry.Kind.FILE, DEVICE_FILES.get(last));
      }
      if (r.size() == 1 && CGROUP_FILES.containsKey(last)) {
        return new FsEntry(last, FsEntry.Kind.FILE, CGROUP_FILES.get(last));
      }
      return new FsEntry(last, FsEntry.Kind.DIRECTORY, 0755);
    }
  }

  @Override
  public OpenFile open(String path, OpenOptions options) {
    FsEntry entry = stat(path);
    if (entry.isDirectory()) {
      throw CgroupException.of(Errno.EISDIR, "%s is a folder", path);
    }
    if (options.write() && !entry.writable()) {
      throw CgroupException.of(Errno.EACCES, "%s is read-only", path);
    }
    Where w;
    synchronized (lock) {
      w = where(path);
    }
    return new FakeFile(path, w, options);
  }

  @Override
  public void mkdir(String path) {
    synchronized (lock) {
      CgroupPath p = CgroupPath.parse(path);
      if (p.isRoot() || groups.containsKey(p)) {
        throw CgroupException.of(Errno.EEXIST, "%s exists", path);
      }
      group(p.parent());
      if (CGROUP_FILES.containsKey(p.name())) {
        throw CgroupException.of(Errno.EEXIST, "%s exists", path);
      }
      groups.put(p, new Group());
    }
  }

  @Override
  public void rmdir(String path) {
    synchronized (lock) {
      Where w = where(path);
      if (!w.rest().isEmpty()) {
        throw CgroupException.of(Errno.EPERM, "%s is not a cgroup", path);
      }
      if (w.cgroup().isRoot()) {
        throw new CgroupException(Errno.EPERM, "the root cgroup cannot be removed");
      }
      Group g = group(w.cgroup());
      boolean children = groups.keySet().stream().anyMatch(p -> !p.equals(w.cgroup()) && p.startsWith(w.cgroup()));
      if (!g.pids.isEmpty() || children) {
        throw CgroupException.of(Errno.EBUSY, "cannot remove %s: it has tasks or children", path);
      }
      groups.remove(w.cgroup());
    }
  }

  private final class FakeFile implements OpenFile {
    private final String path;
    private final Where where;
    private final OpenOptions options;
    private boolean closed;

    FakeFile(String path, Where where, OpenOptions options) {
      this.path = path;
      this.where = where;
      this.options = options;
    }

    @Override
    public String path() {
      return path;
    }

    @Override
    public String read() {
      if (closed || !options.read()) {
        throw CgroupException.of(Errno.EBADF, "%s not open for reading", path);
      }
      synchronized (lock) {
        Group g = groups.get(where.cgroup());
        if (g == null) {
          throw CgroupException.of(Errno.ENODEV, "%s went away", path);
        }
        String file = where.rest().get(where.rest().size() - 1);
        return switch (file) {
          case "cgroup.controllers" -> "memory\n";
          case "cgroup.subtree_control" -> "\n";
          case "cgroup.procs" -> g.pids.stream().map(i -> i + "\n").collect(Collectors.joining());
          case "memory.current" -> counter.get() + "\n";
          case "memory.max" -> ByteSize.format(where.device() ? g.deviceMax : g.memoryMax) + "\n";
          case "memory.stat" -> {
            long n = counter.incrementAndGet();
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < STAT_LINES; i++) {
              sb.append("key").append(i).append(' ').append(n).append('\n');
            }
            yield sb.toString();
          }
          default -> throw CgroupException.of(Errno.ENOENT, "no file %s", path);
        };
      }
    }

    @Override
    public void write(String value) {
      if (closed || !options.write()) {
        throw CgroupException.of(Errno.EBADF, "%s not open for writing", path);
      }
      if (value.length() > MAX_WRITE_BYTES) {
        throw CgroupException.of(Errno.E2BIG, "write to %s over %d bytes", path, MAX_WRITE_BYTES);
      }
      synchronized (lock) {
        Group g = groups.get(where.cgroup());
        if (g == null) {
          throw CgroupException.of(Errno.ENODEV, "%s went away", path);
        }
        String file = where.rest().get(where.rest().size() - 1);
        switch (file) {
          case "memory.max" -> {
            long bytes = ByteSize.parse(value.strip());
            if (where.device()) {
              g.deviceMax = bytes;
            } else {
              g.memoryMax = bytes;
            }
          }
          case "cgroup.procs" -> {
            int pid;
            try {
              pid = Integer.parseInt(value.strip());
            } catch (NumberFormatException e) {
              throw CgroupException.of(Errno.EINVAL, "invalid pid '%s' for %s", value.strip(), path);
            }
            Group from = groups.values().stream().filter(x -> x.pids.contains(pid)).findFirst()
                .orElseThrow(() -> CgroupException.of(Errno.ESRCH, "no task %d", pid));
            from.pids.remove(pid);
            g.pids.add(pid);
          }
          case "cgroup.subtree_control" -> {
            if (!value.isBlank() && !value.strip().matches("([+-]memory\\s*)+")) {
              throw CgroupException.of(Errno.EINVAL, "bad subtree_control '%s'", value.strip());
            }
          }
          default -> throw CgroupException.of(Errno.EACCES, "%s is read-only", path);
        }
      }
    }

    @Override
    public void close() {
      closed = true;
    }
  }
}
