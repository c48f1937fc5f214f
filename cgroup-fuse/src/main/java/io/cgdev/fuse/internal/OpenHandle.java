package io.cgdev.fuse.internal;

import io.cgdev.api.OpenFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One FUSE open: the file view's {@link OpenFile} plus the content snapshot that reads with an
 * offset are served from, so that {@code cat} sees one consistent value across its reads even while
 * counters move. A read at offset 0 takes a fresh snapshot, as a kernfs seq file regenerates on a
 * read from the start.
 *
 * <p>Calls on one handle are serialised on the handle: FUSE may run two requests for the same file
 * descriptor on two workers, and an {@link OpenFile} belongs to one thread at a time.
 */
final class OpenHandle {
  private final OpenFile file;
  private byte[] snapshot;

  OpenHandle(OpenFile file) {
    this.file = file;
  }

  String path() {
    return file.path();
  }

  synchronized int read(ByteBuffer buf, long size, long offset) {
    if (offset == 0 || snapshot == null) {
      snapshot = file.read().getBytes(StandardCharsets.UTF_8);
    }
    if (offset >= snapshot.length) {
      return 0;
    }
    int n = (int) Math.min(Math.min(size, buf.remaining()), snapshot.length - offset);
    buf.put(snapshot, (int) offset, n);
    return n;
  }

  synchronized void write(String value) {
    file.write(value);
    snapshot = null;
  }

  synchronized void close() {
    file.close();
  }
}
