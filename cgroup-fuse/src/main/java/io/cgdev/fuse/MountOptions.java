package io.cgdev.fuse;

import java.util.Objects;

/**
 * How {@link CgroupMount} mounts the file view.
 *
 * @param allowOther let users other than the mounter in ({@code -o allow_other}); a non-root
 *     mounter needs {@code user_allow_other} in {@code /etc/fuse.conf}. Delegation to other users
 *     needs it.
 * @param singleThreaded serve requests on one thread ({@code -s}); the default is a
 *     multi-threaded loop, so that a stuck or slow client never holds up the others
 * @param debug libfuse's request trace on stderr ({@code -d})
 * @param fsName the source shown by {@code mount} and {@code df}
 */
public record MountOptions(boolean allowOther, boolean singleThreaded, boolean debug, String fsName) {
  public MountOptions {
    Objects.requireNonNull(fsName, "fsName");
    if (fsName.isEmpty() || fsName.contains(",") || fsName.contains(" ")) {
      throw new IllegalArgumentException("fsName must be one word without commas: '" + fsName + "'");
    }
  }

  /** Multi-threaded, {@code allow_other}, no trace, source {@code cgdev}. */
  public static MountOptions defaults() {
    return new MountOptions(true, false, false, "cgdev");
  }

  public MountOptions withAllowOther(boolean allowOther) {
    return new MountOptions(allowOther, singleThreaded, debug, fsName);
  }

  public MountOptions withSingleThreaded(boolean singleThreaded) {
    return new MountOptions(allowOther, singleThreaded, debug, fsName);
  }

  public MountOptions withDebug(boolean debug) {
    return new MountOptions(allowOther, singleThreaded, debug, fsName);
  }
}
