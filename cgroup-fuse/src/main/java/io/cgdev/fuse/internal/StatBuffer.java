package io.cgdev.fuse.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Instant;

/**
 * A {@code struct stat} as cgdev reports it to libfuse: only the fields cgdev reports are written
 * into a zeroed buffer. Valid as long as the buffer's arena.
 */
public final class StatBuffer {
  /** File type bits of {@code st_mode}. */
  public static final int S_IFDIR = 0040000;
  public static final int S_IFREG = 0100000;

  private final MemorySegment segment;

  StatBuffer(MemorySegment segment) {
    this.segment = segment;
  }

  /** Fills the buffer from {@code attributes}, for inode {@code ino}. */
  public void set(long ino, Attributes attributes) {
    segment.set(ValueLayout.JAVA_LONG, NativeLayout.STAT_INO, ino);
    int type = attributes.directory() ? S_IFDIR : S_IFREG;
    segment.set(ValueLayout.JAVA_INT, NativeLayout.STAT_MODE, type | attributes.mode() & 07777);
    segment.set(ValueLayout.JAVA_LONG, NativeLayout.STAT_NLINK, attributes.links());
    segment.set(ValueLayout.JAVA_INT, NativeLayout.STAT_UID, attributes.uid());
    segment.set(ValueLayout.JAVA_INT, NativeLayout.STAT_GID, attributes.gid());
    segment.set(ValueLayout.JAVA_LONG, NativeLayout.STAT_SIZE_FIELD, attributes.size());
    time(NativeLayout.STAT_ATIME, attributes.time());
    time(NativeLayout.STAT_MTIME, attributes.time());
    time(NativeLayout.STAT_CTIME, attributes.time());
  }

  /** {@code st_mode} as written (tests read it back). */
  public int mode() {
    return segment.get(ValueLayout.JAVA_INT, NativeLayout.STAT_MODE);
  }

  /** {@code st_size} as written (tests read it back). */
  public long size() {
    return segment.get(ValueLayout.JAVA_LONG, NativeLayout.STAT_SIZE_FIELD);
  }

  private void time(long offset, Instant time) {
    segment.set(ValueLayout.JAVA_LONG, offset, time.getEpochSecond());
    segment.set(ValueLayout.JAVA_LONG, offset + NativeLayout.TIMESPEC_NANOS, time.getNano());
  }
}
