package io.cgdev.fuse.internal;

/**
 * The process behind the FUSE request being served: its file-system uid and gid and its (real,
 * not modelled) pid.
 */
public record Caller(int uid, int gid, int pid) {
  /** The superuser, who passes every permission check (as with {@code CAP_DAC_OVERRIDE}). */
  public static final Caller ROOT = new Caller(0, 0, 0);

  public boolean isRoot() {
    return uid == 0;
  }
}
