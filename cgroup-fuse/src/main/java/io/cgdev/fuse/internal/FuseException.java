package io.cgdev.fuse.internal;

/**
 * Why this package could not mount, serve or unmount: FUSE missing, a bad mount point, libfuse
 * refusing. The message says what is wrong and the command that fixes it; {@code
 * io.cgdev.fuse.CgroupMount} hands it on as its public {@code MountException}, so that this package
 * never depends on the exported one.
 */
public final class FuseException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public FuseException(String message) {
    super(message);
  }

  public FuseException(String message, Throwable cause) {
    super(message, cause);
  }
}
