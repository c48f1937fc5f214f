package io.cgdev.fuse.internal;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupFs;
import io.cgdev.api.Errno;
import io.cgdev.api.FsEntry;
import io.cgdev.api.Numbers;
import io.cgdev.api.OpenOptions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.cryptomator.jfuse.api.DirFiller;
import org.cryptomator.jfuse.api.FileInfo;
import org.cryptomator.jfuse.api.FuseConfig;
import org.cryptomator.jfuse.api.FuseConnInfo;
import org.cryptomator.jfuse.api.FuseOperations;
import org.cryptomator.jfuse.api.Stat;
import org.cryptomator.jfuse.api.TimeSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The FUSE callbacks: a kernel cgroupfs (kernfs) over a {@link CgroupFs}, with owners and
 * permission bits from {@link Ownership}.
 *
 * <p>Called by libfuse on its worker threads, several at once; holds no lock across calls (each
 * open file serialises on its own {@link OpenHandle}). No callback ever throws: an exception
 * escaping an FFM upcall would end the JVM. A {@link CgroupException} becomes its errno; anything
 * else is logged and reported as {@code EIO}.
 *
 * <p>What kernfs refuses is refused with the errno the VFS gives for it: creating a file
 * ({@code EACCES}: the folder has no {@code create}), {@code unlink}, {@code rename} and {@code
 * symlink} ({@code EPERM}). Truncation is accepted and ignored, as kernfs ignores the size in
 * {@code setattr}, so {@code echo 1 > file} works.
 */
public final class CgroupFuseOperations implements FuseOperations {
  private static final Logger LOG = LoggerFactory.getLogger(CgroupFuseOperations.class);
  private static final int EIO = 5;
  private static final int O_ACCMODE = 3;
  private static final int O_WRONLY = 1;
  private static final int O_RDWR = 2;
  private static final int O_NONBLOCK = 04000;
  /** Reported size of every file: big enough for any cgroup value, so page-cache reads see all. */
  static final long FILE_SIZE = 4096;

  private final CgroupFs fs;
  private final org.cryptomator.jfuse.api.Errno errno;
  private final CallerSource callers;
  private final Ownership ownership;
  private final Instant mounted = Instant.now();
  private final Map<Long, OpenHandle> handles = new ConcurrentHashMap<>();
  private final AtomicLong nextHandle = new AtomicLong();
  private volatile boolean directIo;

  public CgroupFuseOperations(CgroupFs fs, org.cryptomator.jfuse.api.Errno errno, CallerSource callers,
      Ownership ownership) {
    this.fs = fs;
    this.errno = errno;
    this.callers = callers;
    this.ownership = ownership;
  }

  @Override
  public org.cryptomator.jfuse.api.Errno errno() {
    return errno;
  }

  @Override
  public Set<Operation> supportedOperations() {
    return EnumSet.of(Operation.INIT, Operation.DESTROY, Operation.GET_ATTR, Operation.READ_DIR,
        Operation.OPEN, Operation.READ, Operation.WRITE, Operation.RELEASE, Operation.TRUNCATE,
        Operation.MKDIR, Operation.RMDIR, Operation.CHOWN, Operation.CHMOD, Operation.UTIMENS,
        Operation.CREATE, Operation.UNLINK, Operation.RENAME, Operation.SYMLINK);
  }

  /** Whether {@code init} managed to turn on direct I/O for every open. */
  public boolean directIo() {
    return directIo;
  }

  /** Number of files open through the mount now. */
  public int openHandles() {
    return handles.size();
  }

  @Override
  public void init(FuseConnInfo conn, FuseConfig config) {
    try {
      directIo = LibFuse.enableDirectIo(config);
      if (!directIo) {
        LOG.warn("could not turn on direct_io; files are read through the page cache (size {})", FILE_SIZE);
      }
    } catch (RuntimeException e) {
      LOG.warn("could not turn on direct_io; files are read through the page cache", e);
    }
  }

  @Override
  public void destroy() {
    for (Long fh : List.copyOf(handles.keySet())) {
      OpenHandle h = handles.remove(fh);
      if (h != null) {
        closeQuietly(h);
      }
    }
  }

  @Override
  public int getattr(String path, Stat stat, FileInfo fi) {
    return guard("getattr", path, () -> {
      FsEntry entry = fs.stat(path);
      Ownership.Owner owner = ownership.ownerOf(path);
      int mode = ownership.modeOf(path, entry);
      if (entry.isDirectory()) {
        stat.setMode(Stat.S_IFDIR | mode);
        stat.setNLink((short) (2 + subfolders(path))); // as kernfs: 2 + sub-folders
        stat.setSize(0);
      } else {
        stat.setMode(Stat.S_IFREG | mode);
        stat.setNLink((short) 1);
        stat.setSize(FILE_SIZE);
      }
      stat.setUid(owner.uid());
      stat.setGid(owner.gid());
      stat.aTime().set(mounted);
      stat.mTime().set(mounted);
      stat.cTime().set(mounted);
      return 0;
    });
  }

  @Override
  public int readdir(String path, DirFiller filler, long offset, FileInfo fi, int flags) {
    return guard("readdir", path, () -> {
      List<FsEntry> entries = fs.list(path);
      filler.fill(".");
      filler.fill("..");
      for (FsEntry entry : entries) {
        filler.fill(entry.name());
      }
      return 0;
    });
  }

  @Override
  public int open(String path, FileInfo fi) {
    return guard("open", path, () -> {
      int flags = fi.getFlags();
      int access = flags & O_ACCMODE;
      boolean write = access == O_WRONLY || access == O_RDWR;
      boolean read = access != O_WRONLY;
      Caller caller = callers.current();
      if (!caller.isRoot()) {
        FsEntry entry = fs.stat(path);
        int want = (read ? Ownership.READ : 0) | (write ? Ownership.WRITE : 0);
        if (!entry.isDirectory() && !ownership.permits(caller, path, entry, want)) {
          return -Errno.EACCES.number();
        }
      }
      OpenOptions options = new OpenOptions(read, write, (flags & O_NONBLOCK) != 0, 0);
      OpenHandle handle = new OpenHandle(fs.open(path, options));
      long fh = nextHandle.incrementAndGet();
      handles.put(fh, handle);
      fi.setFh(fh);
      return 0;
    });
  }

  @Override
  public int read(String path, ByteBuffer buf, long size, long offset, FileInfo fi) {
    return guard("read", path, () -> handleOf(fi, path).read(buf, size, offset));
  }

  @Override
  public int write(String path, ByteBuffer buf, long size, long offset, FileInfo fi) {
    return guard("write", path, () -> {
      OpenHandle handle = handleOf(fi, path);
      if (size > CgroupFs.MAX_WRITE_BYTES) {
        return -Errno.E2BIG.number();
      }
      byte[] bytes = new byte[(int) size];
      buf.get(bytes);
      // byte for byte (ISO-8859-1): the kernel parses bytes, so 0xA0 is white space and a lone
      // invalid UTF-8 byte stays what it is rather than becoming U+FFFD (KernelText)
      String value = new String(bytes, StandardCharsets.ISO_8859_1);
      if (isProcsFile(path)) {
        checkMigration(callers.current(), Ownership.parent(path), value);
      }
      handle.write(value);
      return (int) size;
    });
  }

  @Override
  public int release(String path, FileInfo fi) {
    OpenHandle handle = handles.remove(fi.getFh());
    if (handle != null) {
      closeQuietly(handle);
    }
    return 0;
  }

  @Override
  public int truncate(String path, long size, FileInfo fi) {
    return guard("truncate", path, () -> fs.stat(path).isDirectory() ? -Errno.EISDIR.number() : 0);
  }

  @Override
  public int mkdir(String path, int mode) {
    return guard("mkdir", path, () -> {
      Caller caller = callers.current();
      checkFolderWrite(caller, Ownership.parent(path));
      fs.mkdir(path);
      ownership.created(path, new Ownership.Owner(caller.uid(), caller.gid()));
      return 0;
    });
  }

  @Override
  public int rmdir(String path) {
    return guard("rmdir", path, () -> {
      checkFolderWrite(callers.current(), Ownership.parent(path));
      fs.rmdir(path);
      ownership.forget(path);
      return 0;
    });
  }

  @Override
  public int chown(String path, int uid, int gid, FileInfo fi) {
    return guard("chown", path, () -> {
      fs.stat(path);
      Caller caller = callers.current();
      Ownership.Owner now = ownership.ownerOf(path);
      Ownership.Owner next = new Ownership.Owner(uid == -1 ? now.uid() : uid, gid == -1 ? now.gid() : gid);
      if (!caller.isRoot()) {
        // chown(2) without CAP_CHOWN: only the owner, only to a group of its own
        boolean allowed = caller.uid() == now.uid() && next.uid() == now.uid()
            && (next.gid() == now.gid() || next.gid() == caller.gid());
        if (!allowed) {
          return -Errno.EPERM.number();
        }
      }
      ownership.chown(path, next);
      return 0;
    });
  }

  @Override
  public int chmod(String path, int mode, FileInfo fi) {
    return guard("chmod", path, () -> {
      fs.stat(path);
      Caller caller = callers.current();
      if (!caller.isRoot() && caller.uid() != ownership.ownerOf(path).uid()) {
        return -Errno.EPERM.number();
      }
      ownership.chmod(path, mode);
      return 0;
    });
  }

  @Override
  public int utimens(String path, TimeSpec atime, TimeSpec mtime, FileInfo fi) {
    return guard("utimens", path, () -> {
      fs.stat(path);
      return 0;
    });
  }

  @Override
  public int create(String path, int mode, FileInfo fi) {
    // kernfs folders have no create: the VFS answers EACCES
    return -Errno.EACCES.number();
  }

  @Override
  public int unlink(String path) {
    return -Errno.EPERM.number();
  }

  @Override
  public int rename(String oldPath, String newPath, int flags) {
    return -Errno.EPERM.number();
  }

  @Override
  public int symlink(String linkname, String target) {
    return -Errno.EPERM.number();
  }

  private void checkFolderWrite(Caller caller, String folder) {
    if (caller.isRoot()) {
      return;
    }
    FsEntry entry = fs.stat(folder);
    if (!ownership.permits(caller, folder, entry, Ownership.WRITE | Ownership.EXECUTE)) {
      throw CgroupException.of(Errno.EACCES, "uid %d may not change %s", caller.uid(), folder);
    }
  }

  private static boolean isProcsFile(String path) {
    return path.endsWith("/cgroup.procs") || path.endsWith("/cgroup.threads");
  }

  /**
   * The cgroup v2 migration rule: besides write access to the destination's {@code cgroup.procs}
   * (checked at open), the writer needs write access to {@code cgroup.procs} of the common ancestor
   * of the source and destination cgroups. Values that are not a pid of a live task are left to
   * the file view, which rejects them with its own errno.
   */
  private void checkMigration(Caller caller, String destination, String value) {
    if (caller.isRoot()) {
      return;
    }
    int pid;
    try {
      pid = Numbers.parsePid(value); // exactly as the file view will read it (0x.., +.., octal)
    } catch (CgroupException e) {
      return;
    }
    if (pid <= 0) {
      return;
    }
    Optional<String> source = cgroupOf(pid, "/");
    if (source.isEmpty()) {
      return;
    }
    String ancestor = Ownership.commonAncestor(source.get(), destination);
    String procs = (ancestor.equals("/") ? "" : ancestor) + "/cgroup.procs";
    if (!ownership.permits(caller, procs, fs.stat(procs), Ownership.WRITE)) {
      throw CgroupException.of(Errno.EACCES,
          "uid %d may not move pid %d from %s to %s: no write access to %s", caller.uid(), pid,
          source.get(), destination, procs);
    }
  }

  private int subfolders(String path) {
    int n = 0;
    for (FsEntry e : fs.list(path)) {
      if (e.isDirectory()) {
        n++;
      }
    }
    return n;
  }

  /** The cgroup whose {@code cgroup.procs} lists {@code pid}, searched depth first. */
  private Optional<String> cgroupOf(int pid, String folder) {
    List<FsEntry> entries = fs.list(folder);
    String prefix = folder.equals("/") ? "/" : folder + "/";
    List<String> children = new ArrayList<>();
    for (FsEntry entry : entries) {
      if (entry.isDirectory()) {
        children.add(prefix + entry.name());
      } else if (entry.name().equals("cgroup.procs")) {
        String wanted = Integer.toString(pid);
        if (fs.read(prefix + "cgroup.procs").lines().anyMatch(wanted::equals)) {
          return Optional.of(folder);
        }
      }
    }
    for (String child : children) {
      Optional<String> found = cgroupOf(pid, child);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  /** One callback's work; whatever it throws, {@link #guard} turns into an errno. */
  @FunctionalInterface
  private interface Work {
    int run() throws Exception;
  }

  /**
   * Runs a callback's work so that nothing escapes into the FFM upcall (which would end the JVM):
   * the single place where a callback's throwable becomes its errno.
   */
  private int guard(String operation, String path, Work work) {
    try {
      return work.run();
    } catch (Throwable e) {
      return fail(operation, path, e);
    }
  }

  /** The handle {@code open} stored in {@code fi}; {@code EBADF} if it was released or never made. */
  private OpenHandle handleOf(FileInfo fi, String path) {
    OpenHandle handle = handles.get(fi.getFh());
    if (handle == null) {
      throw CgroupException.of(Errno.EBADF, "no open file %d for %s", fi.getFh(), path);
    }
    return handle;
  }

  private int fail(String operation, String path, Throwable e) {
    if (e instanceof CgroupException ce) {
      return -ce.errno().number();
    }
    LOG.error("{} {} failed", operation, path, e);
    return -EIO;
  }

  private static void closeQuietly(OpenHandle handle) {
    try {
      handle.close();
    } catch (RuntimeException e) {
      LOG.debug("closing {} failed", handle.path(), e);
    }
  }
}
