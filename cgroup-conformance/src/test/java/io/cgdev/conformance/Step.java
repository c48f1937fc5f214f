package io.cgdev.conformance;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One operation of a sequence, run on a side through libc: its outcome is a string that must be
 * equal on both sides — {@code ok}, {@code ok <content>}, or the errno's name, prefixed with the
 * call that failed where a step makes several ({@code open:EACCES}, {@code write:EINVAL}). Paths are
 * relative to the sequence's base cgroup ({@code ""} is the base).
 */
sealed interface Step {
  String run(Session s);

  /** The bash line that does the same (below {@code $B}), for the replay script. */
  String shell();

  /** A step's side plus its open descriptors (by slot), for the steps that keep files open. */
  final class Session {
    final Side side;
    private final Map<Integer, Integer> fds = new HashMap<>();
    private final Map<Integer, String> paths = new HashMap<>();

    Session(Side side) {
      this.side = side;
    }

    /** Closes what is still open; at the end of each sequence. */
    void closeAll() {
      for (int fd : fds.values()) {
        Libc.close(fd);
      }
      fds.clear();
      paths.clear();
    }
  }

  record Mkdir(String path) implements Step {
    @Override
    public String run(Session s) {
      Libc.Result r = Libc.mkdir(s.side.path(path), 0755);
      return r.ok() ? "ok" : r.error();
    }

    @Override
    public String shell() {
      return "mkdir " + Shell.path(path);
    }
  }

  record Rmdir(String path) implements Step {
    @Override
    public String run(Session s) {
      Libc.Result r = Libc.rmdir(s.side.path(path));
      return r.ok() ? "ok" : r.error();
    }

    @Override
    public String shell() {
      return "rmdir " + Shell.path(path);
    }
  }

  /** open(O_RDONLY), read to the end, close. */
  record Read(String path) implements Step {
    @Override
    public String run(Session s) {
      Libc.Result fd = Libc.open(s.side.path(path), Libc.O_RDONLY);
      if (!fd.ok()) {
        return "open:" + fd.error();
      }
      try {
        Object r = Libc.readAll((int) fd.value());
        return r instanceof Libc.Result e ? "read:" + e.error() : "ok " + project(s.side, path, (byte[]) r);
      } finally {
        Libc.close((int) fd.value());
      }
    }

    @Override
    public String shell() {
      return "cat " + Shell.path(path);
    }
  }

  /** open(O_WRONLY), one write(2) of the value, close. */
  record Write(String path, Value value) implements Step {
    @Override
    public String run(Session s) {
      Libc.Result fd = Libc.open(s.side.path(path), Libc.O_WRONLY);
      if (!fd.ok()) {
        return "open:" + fd.error();
      }
      try {
        byte[] data = value.bytes(s.side);
        Libc.Result w = Libc.write((int) fd.value(), data);
        return w.ok() ? written(w.value(), data.length) : "write:" + w.error();
      } finally {
        Libc.close((int) fd.value());
      }
    }

    @Override
    public String shell() {
      // dd makes exactly one write(2) of what it read (printf alone may split a long value)
      return value.shell() + " | dd of=" + Shell.path(path) + " bs=1M iflag=fullblock conv=notrunc status=none";
    }
  }

  /** stat(2): type, permission bits, link count (without the side's own sub-folders), size, owner. */
  record Stat(String path) implements Step {
    @Override
    public String run(Session s) {
      Object r = Libc.stat(s.side.path(path));
      if (r instanceof Libc.Result e) {
        return e.error();
      }
      return describe(s.side, s.side.path(path), (Libc.StatInfo) r);
    }

    @Override
    public String shell() {
      return "stat -c '%F %a nlink=%h size=%s uid=%u gid=%g' " + Shell.path(path);
    }
  }

  /** The names in a folder, sorted, without the entries only one side has. */
  record ListDir(String path) implements Step {
    @Override
    public String run(Session s) {
      Object r = Libc.list(s.side.path(path));
      if (r instanceof Libc.Result e) {
        return e.error();
      }
      List<String> names = new ArrayList<>();
      @SuppressWarnings("unchecked")
      List<byte[]> raw = (List<byte[]>) r;
      for (byte[] name : raw) {
        String n = new String(name, StandardCharsets.UTF_8);
        if (!s.side.hiddenEntries().contains(n)) {
          names.add(Shell.escape(n));
        }
      }
      names.sort(null);
      return "ok [" + String.join(", ", names) + "]";
    }

    @Override
    public String shell() {
      return "ls -a " + Shell.path(path);
    }
  }

  /** Opens a file and keeps it open in {@code slot} (for the steps on descriptors of removed cgroups). */
  record Open(int slot, String path) implements Step {
    @Override
    public String run(Session s) {
      Libc.Result fd = Libc.open(s.side.path(path), Libc.O_RDWR);
      if (!fd.ok()) {
        fd = Libc.open(s.side.path(path), Libc.O_RDONLY);
        if (!fd.ok()) {
          return fd.error();
        }
      }
      Integer old = s.fds.put(slot, (int) fd.value());
      s.paths.put(slot, path);
      if (old != null) {
        Libc.close(old);
      }
      return "ok";
    }

    @Override
    public String shell() {
      return "exec " + (3 + slot) + "<>" + Shell.path(path) + " || exec " + (3 + slot) + "<" + Shell.path(path);
    }
  }

  /** Reads an open descriptor from its start (lseek to 0 first, then read to the end). */
  record ReadFd(int slot) implements Step {
    /** The file this slot holds open now, for the runner's retries; null if none. */
    String path(Session s) {
      return s.paths.get(slot);
    }

    @Override
    public String run(Session s) {
      Integer fd = s.fds.get(slot);
      if (fd == null) {
        return "no descriptor";
      }
      Libc.Result seek = Libc.rewind(fd);
      if (!seek.ok()) {
        // the first errno the client meets, whichever call met it: kernfs fails the lseek of a removed
        // cgroup's file with ENODEV; through FUSE the VFS seeks by itself and the read fails instead
        // (docs/ARCHITECTURE.md §7)
        return seek.error();
      }
      Object r = Libc.readAll(fd);
      return r instanceof Libc.Result e ? e.error() : "ok " + project(s.side, s.paths.get(slot), (byte[]) r);
    }

    @Override
    public String shell() {
      return "cat <&" + (3 + slot) + "   # (the harness rewinds first; bash cannot: a second cat shows nothing)";
    }
  }

  record WriteFd(int slot, Value value) implements Step {
    @Override
    public String run(Session s) {
      Integer fd = s.fds.get(slot);
      if (fd == null) {
        return "no descriptor";
      }
      byte[] data = value.bytes(s.side);
      Libc.Result w = Libc.write(fd, data);
      return w.ok() ? written(w.value(), data.length) : w.error();
    }

    @Override
    public String shell() {
      return value.shell() + " >&" + (3 + slot);
    }
  }

  record FstatFd(int slot) implements Step {
    @Override
    public String run(Session s) {
      Integer fd = s.fds.get(slot);
      if (fd == null) {
        return "no descriptor";
      }
      Object r = Libc.fstat(fd);
      return r instanceof Libc.Result e ? e.error() : describe(s.side, null, (Libc.StatInfo) r);
    }

    @Override
    public String shell() {
      return "stat -L -c '%F %a nlink=%h size=%s' /dev/fd/" + (3 + slot);
    }
  }

  record CloseFd(int slot) implements Step {
    @Override
    public String run(Session s) {
      Integer fd = s.fds.remove(slot);
      s.paths.remove(slot);
      if (fd == null) {
        return "no descriptor";
      }
      Libc.Result r = Libc.close(fd);
      return r.ok() ? "ok" : r.error();
    }

    @Override
    public String shell() {
      return "exec " + (3 + slot) + ">&-";
    }
  }

  /** A successful write: all of it (pids differ in length between the sides), or how much of how much. */
  private static String written(long n, int length) {
    return length == 0 && n == 0 ? "ok 0" : n == length ? "ok all" : "ok " + n + " of " + length;
  }

  /**
   * Content read, made comparable: pids as p0.., cgroup.stat without the lines of controllers one
   * side lacks, the mirrored controller's files without their content (MirrorController).
   */
  private static String project(Side side, String path, byte[] content) {
    String text = new String(content, StandardCharsets.ISO_8859_1);
    if (path.substring(path.lastIndexOf('/') + 1).startsWith(HostCgroup2.CONTROLLER + ".")) {
      return "(the mirrored controller's content is not compared)";
    }
    if (path.endsWith("cgroup.procs")) {
      return side.procsTokens(text);
    }
    if (path.endsWith("cgroup.stat")) {
      StringBuilder sb = new StringBuilder();
      for (String line : text.split("\n")) {
        boolean perController = line.startsWith("nr_subsys_") || line.startsWith("nr_dying_subsys_");
        if (!perController || line.contains("subsys_" + HostCgroup2.CONTROLLER + " ")) {
          sb.append(line).append('\n');
        }
      }
      return Shell.escape(sb.toString());
    }
    return Shell.escape(text);
  }

  private static String describe(Side side, byte[] path, Libc.StatInfo st) {
    String type = st.isDirectory() ? "dir" : (st.mode() & Libc.S_IFMT) == Libc.S_IFREG ? "file" : "type " + Integer.toOctalString(st.mode() & Libc.S_IFMT);
    long nlink = st.nlink() - (st.isDirectory() && path != null ? side.extraSubfolders(path) : 0);
    return String.format("%s %04o nlink=%d size=%d uid=%d gid=%d", type, st.mode() & 07777, nlink, st.size(), st.uid(), st.gid());
  }
}
