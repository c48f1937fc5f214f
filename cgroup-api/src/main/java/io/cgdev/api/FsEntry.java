package io.cgdev.api;

/**
 * One entry of the file view.
 *
 * @param name the last path element ({@code ""} for the root)
 * @param kind folder or file
 * @param mode permission bits: 0755 for folders, 0644 for writable files, 0444 for read-only ones
 *     (0200 for write-only ones)
 */
@Stability(Stability.Status.STABLE)
public record FsEntry(String name, Kind kind, int mode) {
  /** Entry kinds. */
  public enum Kind {
    /** A cgroup or a per-device folder. */
    DIRECTORY,
    /** An interface file. */
    FILE
  }

  public boolean isDirectory() {
    return kind == Kind.DIRECTORY;
  }

  public boolean readable() {
    return (mode & 0444) != 0;
  }

  public boolean writable() {
    return (mode & 0222) != 0;
  }
}
