package io.cgdev.fuse.internal;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupFs;
import io.cgdev.api.Errno;
import io.cgdev.api.FsEntry;
import io.cgdev.api.Numbers;
import io.cgdev.api.OpenOptions;
import io.cgdev.api.Subscription;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The FUSE callbacks: a kernel cgroupfs (kernfs) over a {@link CgroupFs}, with owners and
 * permission bits from {@link Ownership}.
 *
 * <p>Called by libfuse on its worker threads, several at once; holds no lock across calls (each
 * open file serialises on its own {@link OpenHandle}). A refusal is a {@link CgroupException} with
 * its errno; {@link FuseUpcalls} answers anything else thrown with {@code EIO} and the daemon
 * carries on.
 *
 * <p><b>Files of removed cgroups</b> behave as on the kernel: their inodes stay known until the
 * kernel forgets them ({@link Nodes}), so read and write fail with {@code ENODEV}; fstat, ftruncate,
 * fsync, fchmod, fchown and close succeed; a removed folder lists as empty.
 *
 * <p><b>What kernfs answers</b>: creating a file is {@code EACCES} (a kernfs folder has no {@code
 * create}), {@code unlink}, {@code rename}, {@code symlink}, {@code link} and {@code mknod} are
 * {@code EPERM}; truncation is accepted and ignored (kernfs ignores the size in setattr); a file
 * without a writer (or reader) still opens for writing (reading) when the permission bits allow it,
 * as root's always do, and then every write (read) fails with {@code EINVAL}, as cgroup's own write
 * handler answers.
 *
 * <p><b>Change notification</b>: {@code poll}, {@code select} and {@code epoll} on an open file wake
 * when the file view notifies the file ({@link OpenHandle#poll}); inotify watchers of a file the
 * kernel knows get {@code IN_MODIFY} through the {@link ChangeNotifier}'s touches, which {@code open}
 * and {@code write} recognise by the caller's thread id and take without writing anything.
 */
public final class CgroupFuseOperations implements FuseFileSystem {
  private static final Logger LOG = LoggerFactory.getLogger(CgroupFuseOperations.class);
  private static final int O_ACCMODE = 3;
  private static final int O_WRONLY = 1;
  private static final int O_RDWR = 2;
  private static final int O_NONBLOCK = 04000;

  private final CgroupFs fs;
  private final CallerSource callers;
  private final Ownership ownership;
  private final java.util.function.Consumer<Runnable> requests;
  private final Instant mounted = Instant.now();
  private final Nodes nodes = new Nodes();
  private final Map<Long, OpenHandle> handles = new ConcurrentHashMap<>();
  private final Map<Long, DirListing> listings = new ConcurrentHashMap<>();
  /** Handles of the notifier's own touches: writes to them change nothing. */
  private final Set<Long> touches = ConcurrentHashMap.newKeySet();
  private final AtomicLong nextHandle = new AtomicLong();
  private final ChangeNotifier notifier;
  private volatile Subscription treeChanges = Subscription.NONE;

  /** An open folder: the names it listed when the listing (re)started. */
  private static final class DirListing {
    private final Nodes.Node node;
    private volatile List<String> names;

    DirListing(Nodes.Node node) {
      this.node = node;
    }
  }

  /**
   * @param mountPoint where the file system is mounted, for the notifier's touches (inotify); the
   *     notifier thread starts at {@link #init}
   */
  public CgroupFuseOperations(CgroupFs fs, CallerSource callers, Ownership ownership, Path mountPoint) {
    this(fs, callers, ownership, mountPoint, Runnable::run);
  }

  /**
   * @param mountPoint where the file system is mounted, for the notifier's touches (inotify); the
   *     notifier thread starts at {@link #init}
   * @param requests runs the part of a request that changes both the tree and the ownership map
   *     ({@code mkdir}: the cgroup, its creator and mode; {@code rmdir}: the cgroup and what was
   *     recorded for it; a {@code setattr}'s mode and owner) as one unit, so that a state file keeps
   *     all of it or none ({@code cgdev mount --state})
   */
  public CgroupFuseOperations(CgroupFs fs, CallerSource callers, Ownership ownership, Path mountPoint,
      java.util.function.Consumer<Runnable> requests) {
    this.fs = fs;
    this.callers = callers;
    this.ownership = ownership;
    this.notifier = new ChangeNotifier(mountPoint);
    this.requests = requests;
  }

  /**
   * Stops change notification (pollers are no longer woken, files no longer touched). The mount calls
   * it before it ends the session, {@link #destroy} again; idempotent.
   */
  public void stopNotifications() {
    treeChanges.close();
    notifier.stop(Duration.ofSeconds(1));
  }

  /** Number of files open through the mount now. */
  public int openHandles() {
    return handles.size();
  }

  /** Number of inodes the kernel holds now, the root included. */
  public int knownInodes() {
    return nodes.size();
  }

  @Override
  public void init() {
    // nothing to negotiate (every open sets direct I/O itself); the mount answers from now on
    notifier.start();
    try {
      treeChanges = fs.onChange(path -> {
        if (nodes.known(path)) { // the kernel holds no inode of other paths: nobody can watch them
          notifier.touch(path);
        }
      });
    } catch (CgroupException e) {
      LOG.debug("the file view does not notify changes: no inotify through the mount ({})", e.getMessage());
    }
  }

  @Override
  public void destroy() {
    stopNotifications();
    for (Long fh : List.copyOf(handles.keySet())) {
      OpenHandle h = handles.remove(fh);
      if (h != null) {
        closeQuietly(h);
      }
    }
    listings.clear();
  }

  @Override
  public Entry lookup(long parent, String name) {
    String path = Nodes.child(live(parent), name);
    return entry(path);
  }

  /** What lookup and mkdir answer for {@code path}: its node, counted as looked up, with fresh attributes. */
  private Entry entry(String path) {
    Attributes a = attributes(path, fs.stat(path));
    Nodes.Node n = nodes.lookedUp(path);
    n.attributes(a);
    return new Entry(n.ino(), a);
  }

  @Override
  public void forget(long ino, long count) {
    nodes.forget(ino, count);
  }

  /** The node of a folder that must still exist: {@code ENOENT} if its cgroup was removed. */
  private Nodes.Node live(long ino) {
    Nodes.Node n = nodes.get(ino);
    if (n.removed()) {
      throw CgroupException.of(Errno.ENOENT, "%s was removed", n.path());
    }
    return n;
  }

  @Override
  public Attributes getattr(long ino, FileInfo fi) {
    return attributesOf(nodes.get(ino));
  }

  /**
   * What stat reports for a node: afresh while its path exists; as last seen once its cgroup is
   * gone (removed through the mount, or behind its back while a file of it is open), as the kernel
   * still stats an inode it holds.
   */
  private Attributes attributesOf(Nodes.Node n) {
    if (n.removed()) {
      return n.attributes();
    }
    try {
      Attributes a = attributes(n.path(), fs.stat(n.path()));
      n.attributes(a);
      return a;
    } catch (CgroupException e) {
      if (e.errno() == Errno.ENOENT && n.opens().get() > 0 && n.attributes() != null) {
        return n.attributes();
      }
      throw e;
    }
  }

  /** What stat reports for an entry: kernfs's sizes and link counts, the ownership map's owners and bits. */
  private Attributes attributes(String path, FsEntry entry) {
    Ownership.Owner owner = ownership.ownerOf(path);
    long links = 1;
    if (entry.isDirectory()) {
      links = 2 + fs.list(path).stream().filter(FsEntry::isDirectory).count();
    }
    return new Attributes(entry.isDirectory(), ownership.modeOf(path, entry), owner.uid(), owner.gid(), links, mounted);
  }

  @Override
  public Attributes setattr(long ino, Changes changes, FileInfo fi) {
    Nodes.Node n = nodes.get(ino);
    Attributes now = attributesOf(n);
    Caller caller = callers.current();
    requests.accept(() -> {
      if (changes.has(NativeLayout.SET_ATTR_MODE)) {
        if (!caller.isRoot() && caller.uid() != now.uid()) {
          throw CgroupException.of(Errno.EPERM, "uid %d may not chmod %s", caller.uid(), n.path());
        }
        if (n.removed()) {
          n.attributes(n.attributes().withMode(changes.mode()));
        } else {
          ownership.chmod(n.path(), changes.mode());
        }
      }
      if (changes.has(NativeLayout.SET_ATTR_UID) || changes.has(NativeLayout.SET_ATTR_GID)) {
        int uid = changes.has(NativeLayout.SET_ATTR_UID) ? changes.uid() : now.uid();
        int gid = changes.has(NativeLayout.SET_ATTR_GID) ? changes.gid() : now.gid();
        // chown(2) without CAP_CHOWN: only the owner, only to a group of its own
        boolean allowed = caller.isRoot() || caller.uid() == now.uid() && uid == now.uid()
            && (gid == now.gid() || gid == caller.gid());
        if (!allowed) {
          throw CgroupException.of(Errno.EPERM, "uid %d may not chown %s", caller.uid(), n.path());
        }
        if (n.removed()) {
          n.attributes(n.attributes().withOwner(uid, gid));
        } else {
          ownership.chown(n.path(), new Ownership.Owner(uid, gid));
        }
      }
    });
    if (changes.has(NativeLayout.SET_ATTR_SIZE) && now.directory()) {
      throw CgroupException.of(Errno.EISDIR, "%s is a folder", n.path());
    }
    // a size is accepted and ignored, as kernfs ignores it; times are accepted and stay
    return attributesOf(n);
  }

  @Override
  public Entry mkdir(long parent, String name, int mode) {
    Nodes.Node p = live(parent);
    String path = Nodes.child(p, name);
    Caller caller = callers.current();
    checkFolderWrite(caller, p.path());
    requests.accept(() -> {
      fs.mkdir(path);
      ownership.created(path, new Ownership.Owner(caller.uid(), caller.gid()));
      ownership.chmod(path, mode); // as cgroup_mkdir: the mode mkdir(2) asked for, the kernel's umask applied
    });
    return entry(path);
  }

  @Override
  public void rmdir(long parent, String name) {
    Nodes.Node p = live(parent);
    String path = Nodes.child(p, name);
    checkFolderWrite(callers.current(), p.path());
    requests.accept(() -> {
      fs.rmdir(path);
      ownership.forget(path);
    });
    nodes.removed(path);
  }

  @Override
  public void open(long ino, FileInfo fi) {
    Nodes.Node n = live(ino);
    String path = n.path();
    int flags = fi.flags();
    Caller caller = callers.current();
    if (notifier.isSelf(caller.pid())) {
      long fh = nextHandle.incrementAndGet();
      touches.add(fh);
      fi.setFh(fh);
      fi.setDirectIo();
      return;
    }
    int access = flags & O_ACCMODE;
    boolean write = access == O_WRONLY || access == O_RDWR;
    boolean read = access != O_WRONLY;
    FsEntry entry = fs.stat(path);
    if (entry.isDirectory()) {
      throw CgroupException.of(Errno.EISDIR, "%s is a folder", path);
    }
    int want = (read ? Ownership.READ : 0) | (write ? Ownership.WRITE : 0);
    if (!ownership.permits(caller, path, entry, want)) {
      throw CgroupException.of(Errno.EACCES, "uid %d may not open %s", caller.uid(), path);
    }
    // kernfs opens any cgroup file for what the permission bits allow; cgroup's handlers then
    // answer EINVAL for the direction the file does not have
    boolean canRead = read && entry.readable();
    boolean canWrite = write && entry.writable();
    if (!canRead && !canWrite) {
      canRead = entry.readable();
      canWrite = !canRead;
    }
    OpenOptions options = new OpenOptions(canRead, canWrite, (flags & O_NONBLOCK) != 0, 0);
    OpenHandle handle = new OpenHandle(fs.open(path, options), n, read && !entry.readable(), write && !entry.writable());
    n.opens().incrementAndGet();
    long fh = nextHandle.incrementAndGet();
    handles.put(fh, handle);
    fi.setFh(fh);
    fi.setDirectIo();
  }

  @Override
  public int read(long ino, ByteBuffer buffer, long offset, FileInfo fi) {
    if (fi != null && touches.contains(fi.fh())) {
      return 0;
    }
    OpenHandle handle = handleOf(fi);
    if (handle.node().removed()) {
      throw CgroupException.of(Errno.ENODEV, "%s: its cgroup was removed", handle.path());
    }
    return handle.read(buffer, offset);
  }

  @Override
  public int write(long ino, ByteBuffer data, long offset, FileInfo fi) {
    if (fi != null && touches.contains(fi.fh())) {
      return data.remaining(); // the notifier's touch: the VFS tells inotify, nothing is written
    }
    OpenHandle handle = handleOf(fi);
    int size = data.remaining();
    if (size > CgroupFs.MAX_WRITE_BYTES) {
      throw CgroupException.of(Errno.E2BIG, "a write to %s of %d bytes", handle.path(), size);
    }
    if (handle.node().removed()) {
      throw CgroupException.of(Errno.ENODEV, "%s: its cgroup was removed", handle.path());
    }
    byte[] bytes = new byte[size];
    data.get(bytes);
    // byte for byte (ISO-8859-1): the kernel parses bytes, so 0xA0 is white space and a lone
    // invalid UTF-8 byte stays what it is rather than becoming U+FFFD (KernelText)
    String value = new String(bytes, StandardCharsets.ISO_8859_1);
    String path = handle.node().path();
    if (!handle.refusesWrites() && isProcsFile(path)) {
      checkMigration(callers.current(), Ownership.parent(path), value);
    }
    handle.write(value);
    return size;
  }

  @Override
  public void release(long ino, FileInfo fi) {
    if (fi != null && touches.remove(fi.fh())) {
      return;
    }
    OpenHandle handle = fi == null ? null : handles.remove(fi.fh());
    if (handle != null) {
      handle.node().opens().decrementAndGet();
      closeQuietly(handle);
    }
  }

  @Override
  public void opendir(long ino, FileInfo fi) {
    Nodes.Node n = nodes.get(ino);
    long fh = nextHandle.incrementAndGet();
    listings.put(fh, new DirListing(n));
    fi.setFh(fh);
  }

  @Override
  public List<String> readdir(long ino, boolean fromStart, FileInfo fi) {
    DirListing listing = fi == null ? null : listings.get(fi.fh());
    if (listing == null) {
      listing = new DirListing(nodes.get(ino));
    }
    List<String> names = listing.names;
    if (fromStart || names == null) {
      names = new ArrayList<>(List.of(".", ".."));
      if (!listing.node.removed()) { // a removed folder lists as empty, as on the kernel
        for (FsEntry entry : fs.list(listing.node.path())) {
          names.add(entry.name());
        }
      }
      listing.names = names;
    }
    return names;
  }

  @Override
  public void releasedir(long ino, FileInfo fi) {
    if (fi != null) {
      listings.remove(fi.fh());
    }
  }

  @Override
  public int poll(long ino, FileInfo fi, PollHandle poller) {
    if (fi != null && touches.contains(fi.fh())) {
      if (poller != null) {
        poller.discard();
      }
      return NativeLayout.POLLIN | NativeLayout.POLLOUT;
    }
    OpenHandle handle = handleOf(fi);
    return handle.poll(poller, notifier);
  }

  @Override
  public int refusal(String operation) {
    // a kernfs folder has no create: the VFS answers EACCES; for mknod, unlink, symlink, link and
    // rename (cgroup2 has none) it answers EPERM
    return operation.equals("create") ? Errno.EACCES.number() : Errno.EPERM.number();
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

  /** The handle {@code open} stored in {@code fi}; {@code EBADF} if it was released or never made. */
  private OpenHandle handleOf(FileInfo fi) {
    OpenHandle handle = fi == null ? null : handles.get(fi.fh());
    if (handle == null) {
      throw CgroupException.of(Errno.EBADF, "no open file %s", fi == null ? "-" : fi.fh());
    }
    return handle;
  }

  private static void closeQuietly(OpenHandle handle) {
    try {
      handle.close();
    } catch (RuntimeException e) {
      LOG.debug("closing {} failed", handle.path(), e);
    }
  }
}
