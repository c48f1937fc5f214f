package io.cgdev.fuse.internal;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * A file system served through libfuse3's low-level API, with Java types: entries are inodes the
 * file system numbers itself (the root is {@link NativeLayout#ROOT_INO}), and the kernel holds on to
 * them by lookup count until it forgets them. {@link FuseUpcalls} binds these methods to native
 * stubs and sends libfuse the replies.
 *
 * <p>Owning the inodes is what lets a file outlive its folder: an inode whose cgroup was removed
 * stays known until the kernel forgets it, so {@code fstat}, {@code ftruncate}, {@code fchmod} and
 * {@code close} of a descriptor that outlived its cgroup are answered as the kernel's cgroupfs answers
 * them (libfuse's path-based API answers {@code ESTALE} for them, or passes a NULL path).
 *
 * <p>Who calls: libfuse's worker threads, several at once (one per request in flight). A failure is
 * a thrown {@link io.cgdev.api.CgroupException} whose errno becomes the reply; anything else thrown
 * is answered with {@code EIO} for that one request.
 */
public interface FuseFileSystem {
  /** An inode and what {@code stat} reports for it, the answer to a lookup or a mkdir. */
  record Entry(long ino, Attributes attributes) {}

  /** The attributes a {@code setattr} changes: {@code toSet} has the kernel's {@code FUSE_SET_ATTR_*} bits. */
  record Changes(int toSet, int mode, int uid, int gid, long size) {
    boolean has(int bit) {
      return (toSet & bit) != 0;
    }
  }

  /** libfuse finished the handshake with the kernel: the mount answers from now on. */
  void init();

  /** The session is being destroyed; release what is still open. */
  void destroy();

  Entry lookup(long parent, String name);

  /** The kernel dropped {@code count} of its references to {@code ino}; no reply. */
  void forget(long ino, long count);

  Attributes getattr(long ino, FileInfo fi);

  Attributes setattr(long ino, Changes changes, FileInfo fi);

  Entry mkdir(long parent, String name, int mode);

  void rmdir(long parent, String name);

  /** Opens a file; sets {@code fi}'s handle and direct I/O. */
  void open(long ino, FileInfo fi);

  /** Fills {@code buffer} from {@code offset}; returns the bytes put. */
  int read(long ino, ByteBuffer buffer, long offset, FileInfo fi);

  /** Takes all of {@code data} as one write; returns the bytes taken. */
  int write(long ino, ByteBuffer data, long offset, FileInfo fi);

  void release(long ino, FileInfo fi);

  /** Opens a folder for reading; sets {@code fi}'s handle. */
  void opendir(long ino, FileInfo fi);

  /**
   * The folder's entries, {@code .} and {@code ..} first, as listed when the listing started (a read
   * from offset 0 lists afresh).
   */
  List<String> readdir(long ino, boolean fromStart, FileInfo fi);

  void releasedir(long ino, FileInfo fi);

  /**
   * The poll events ready on an open file now ({@code POLLIN}, {@code POLLPRI}, ...); when {@code
   * poller} is not null a client is about to wait, and the file system keeps it and wakes it once the
   * file becomes ready (or discards it when a newer one replaces it or the file is released).
   */
  int poll(long ino, FileInfo fi, PollHandle poller);

  /**
   * The errno for an operation the file system does not have at all ({@code create}, {@code mknod},
   * {@code unlink}, {@code symlink}, {@code link}, {@code rename}).
   */
  int refusal(String operation);
}
