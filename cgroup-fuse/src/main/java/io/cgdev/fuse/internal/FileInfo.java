package io.cgdev.fuse.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * libfuse's {@code struct fuse_file_info} for one request: the open flags, the handle number this
 * daemon chose at {@code open} ({@code fh}), and the {@code direct_io} bit. Valid only during the
 * callback it was passed to.
 */
public final class FileInfo {
  private final MemorySegment segment;

  FileInfo(MemorySegment segment) {
    this.segment = segment;
  }

  /** The {@code open(2)} flags ({@code O_ACCMODE}, {@code O_NONBLOCK}, ...). */
  public int flags() {
    return segment.get(ValueLayout.JAVA_INT, NativeLayout.FILE_INFO_FLAGS);
  }

  /** The handle number set by {@link #setFh} at open; 0 if none was set. */
  public long fh() {
    return segment.get(ValueLayout.JAVA_LONG, NativeLayout.FILE_INFO_FH);
  }

  public void setFh(long fh) {
    segment.set(ValueLayout.JAVA_LONG, NativeLayout.FILE_INFO_FH, fh);
  }

  /**
   * Every read and write of this open goes to the daemon, bypassing the page cache: cgroup files
   * report size 0, as kernfs does, and are generated on each read.
   */
  public void setDirectIo() {
    int bits = segment.get(ValueLayout.JAVA_INT, NativeLayout.FILE_INFO_BITS);
    segment.set(ValueLayout.JAVA_INT, NativeLayout.FILE_INFO_BITS, bits | NativeLayout.FILE_INFO_DIRECT_IO);
  }

  /** The events a {@code poll} request asks for ({@code POLLIN}, {@code POLLPRI}, ...). */
  public int pollEvents() {
    return segment.get(ValueLayout.JAVA_INT, NativeLayout.FILE_INFO_POLL_EVENTS);
  }

  /** Whether {@link #setDirectIo} is in effect (tests read it back). */
  public boolean directIo() {
    return (segment.get(ValueLayout.JAVA_INT, NativeLayout.FILE_INFO_BITS) & NativeLayout.FILE_INFO_DIRECT_IO) != 0;
  }
}
