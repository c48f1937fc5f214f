package io.cgdev.fuse.internal;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.OpenFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One FUSE open: the file view's {@link OpenFile}, the inode it was opened through, and the content
 * snapshot that reads with an offset are served from, so that {@code cat} sees one consistent value
 * across its reads even while counters move (a read at offset 0 takes a fresh snapshot, as a kernfs
 * seq file regenerates on a read from the start).
 *
 * <p>Calls on one handle are serialised on the handle: FUSE may run two requests for the same file
 * descriptor on two workers, and an {@link OpenFile} belongs to one thread at a time.
 */
final class OpenHandle {
  private final OpenFile file;
  private final Nodes.Node node;
  private final boolean refuseReads;
  private final boolean refuseWrites;
  private byte[] snapshot;

  /**
   * @param refuseReads opened for reading a file that has no reader: every read is {@code EINVAL}
   * @param refuseWrites opened for writing a file that has no writer: every write is {@code EINVAL}
   */
  OpenHandle(OpenFile file, Nodes.Node node, boolean refuseReads, boolean refuseWrites) {
    this.file = file;
    this.node = node;
    this.refuseReads = refuseReads;
    this.refuseWrites = refuseWrites;
  }

  String path() {
    return file.path();
  }

  /** The inode this file was opened through. */
  Nodes.Node node() {
    return node;
  }

  boolean refusesWrites() {
    return refuseWrites;
  }

  synchronized int read(ByteBuffer buf, long offset) {
    if (refuseReads) {
      throw CgroupException.of(Errno.EINVAL, "%s has nothing to read", path());
    }
    if (offset == 0 || snapshot == null) {
      snapshot = file.read().getBytes(StandardCharsets.UTF_8);
    }
    if (offset >= snapshot.length) {
      return 0;
    }
    int n = (int) Math.min(buf.remaining(), snapshot.length - offset);
    buf.put(snapshot, (int) offset, n);
    return n;
  }

  synchronized void write(String value) {
    if (refuseWrites) {
      throw CgroupException.of(Errno.EINVAL, "%s is read-only", path());
    }
    file.write(value);
    snapshot = null;
  }

  synchronized void close() {
    file.close();
  }
}
