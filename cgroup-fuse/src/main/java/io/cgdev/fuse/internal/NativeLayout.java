package io.cgdev.fuse.internal;

/**
 * Offsets into the C structures cgdev shares with libfuse3's low-level API on Linux x86_64, read
 * off libfuse's headers ({@code fuse_lowlevel.h}, {@code fuse_common.h}) and glibc's {@code struct
 * stat}. Every offset here is the same in libfuse 3.7 to 3.18; {@link LibFuse} refuses older
 * libraries and other architectures instead of guessing.
 */
final class NativeLayout {
  private NativeLayout() {}

  /** The oldest libfuse whose {@code fuse_file_info} has {@code fh} at offset 16 (3.7 added padding2). */
  static final int MIN_VERSION = 307;
  /** {@code fuse_session_loop_mt} takes the opaque {@code fuse_loop_config} from 3.12. */
  static final int LOOP_CONFIG_OPAQUE_VERSION = 312;
  /** From 3.17 {@code fuse_session_new} is an inline wrapper of {@code fuse_session_new_versioned}. */
  static final int SESSION_NEW_VERSIONED = 317;

  /** {@code struct stat} (glibc, x86_64): 144 bytes. */
  static final long STAT_SIZE = 144;
  static final long STAT_INO = 8;
  static final long STAT_NLINK = 16;
  static final long STAT_MODE = 24;
  static final long STAT_UID = 28;
  static final long STAT_GID = 32;
  static final long STAT_SIZE_FIELD = 48;
  static final long STAT_ATIME = 72;
  static final long STAT_MTIME = 88;
  static final long STAT_CTIME = 104;
  /** {@code struct timespec}: seconds, then nanoseconds. */
  static final long TIMESPEC_NANOS = 8;

  /** {@code struct fuse_file_info}: {@code int flags; unsigned bits; unsigned padding2; ...; uint64_t fh; ...}. */
  static final long FILE_INFO_SIZE = 40;
  static final long FILE_INFO_FLAGS = 0;
  static final long FILE_INFO_BITS = 4;
  /** Bit 1 of the bit field word: {@code direct_io}. */
  static final int FILE_INFO_DIRECT_IO = 1 << 1;
  static final long FILE_INFO_FH = 16;
  /** {@code uint32_t poll_events}: the events a {@code poll} request asks for (after {@code lock_owner}). */
  static final long FILE_INFO_POLL_EVENTS = 32;

  /** {@code struct fuse_entry_param}: {@code ino; generation; struct stat attr; double attr_timeout, entry_timeout}. */
  static final long ENTRY_SIZE = 176;
  static final long ENTRY_INO = 0;
  static final long ENTRY_ATTR = 16;
  static final long ENTRY_ATTR_TIMEOUT = 160;
  static final long ENTRY_ENTRY_TIMEOUT = 168;

  /** {@code struct fuse_ctx}: {@code uid_t uid; gid_t gid; pid_t pid; mode_t umask}. */
  static final long CTX_SIZE = 16;
  static final long CTX_UID = 0;
  static final long CTX_GID = 4;
  static final long CTX_PID = 8;

  /** {@code struct fuse_args}: {@code int argc; char **argv; int allocated;}. */
  static final long ARGS_SIZE = 24;
  static final long ARGS_ARGC = 0;
  static final long ARGS_ARGV = 8;
  static final long ARGS_ALLOCATED = 16;

  /** {@code struct fuse_loop_config} before 3.12: {@code int clone_fd; unsigned max_idle_threads;}. */
  static final long LOOP_CONFIG_V1_SIZE = 8;
  /** {@code struct libfuse_version}: four {@code uint32_t}. */
  static final long VERSION_SIZE = 16;

  /** {@code setattr}'s {@code to_set} bits. */
  static final int SET_ATTR_MODE = 1;
  static final int SET_ATTR_UID = 1 << 1;
  static final int SET_ATTR_GID = 1 << 2;
  static final int SET_ATTR_SIZE = 1 << 3;

  /** poll(2) event bits, as the FUSE protocol carries them (the same values as userspace's). */
  static final int POLLIN = 0x001;
  static final int POLLPRI = 0x002;
  static final int POLLOUT = 0x004;
  static final int POLLERR = 0x008;
  static final int POLLRDNORM = 0x040;
  static final int POLLWRNORM = 0x100;

  /** The inode number of the mount's root. */
  static final long ROOT_INO = 1;

  /**
   * Slots of {@code struct fuse_lowlevel_ops} (one pointer each, in header order, unchanged since
   * 3.0). cgdev fills the slots up to {@link #POLL}; libfuse treats the rest as absent.
   */
  enum Op {
    INIT, DESTROY, LOOKUP, FORGET, GETATTR, SETATTR, READLINK, MKNOD, MKDIR, UNLINK, RMDIR, SYMLINK, RENAME,
    LINK, OPEN, READ, WRITE, FLUSH, RELEASE, FSYNC, OPENDIR, READDIR, RELEASEDIR, FSYNCDIR, STATFS, SETXATTR,
    GETXATTR, LISTXATTR, REMOVEXATTR, ACCESS, CREATE, GETLK, SETLK, BMAP, IOCTL, POLL;

    long offset() {
      return ordinal() * 8L;
    }
  }

  /** The size handed to {@code fuse_session_new}: the table up to and including {@code poll}. */
  static final long OPERATIONS_SIZE = Op.values().length * 8L;
}
