package io.cgdev.fuse;

/**
 * A mount that could not be made or unmade: FUSE missing ({@code /dev/fuse}, libfuse3,
 * {@code fusermount3}), a stale mount point left by a crashed daemon, a folder that is not empty or
 * already mounted. The message says what is wrong and the command that fixes it.
 */
public class MountException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public MountException(String message) {
    super(message);
  }

  public MountException(String message, Throwable cause) {
    super(message, cause);
  }
}
