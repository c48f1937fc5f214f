package io.cgdev.fuse.internal;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.OpenFile;
import io.cgdev.api.Subscription;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One FUSE open: the file view's {@link OpenFile}, the inode it was opened through, and the content
 * snapshot that reads with an offset are served from, so that {@code cat} sees one consistent value
 * across its reads even while counters move (a read at offset 0 takes a fresh snapshot, as a kernfs
 * seq file regenerates on a read from the start).
 *
 * <p>Calls on one handle are serialised on the handle: FUSE may run two requests for the same file
 * descriptor on two workers, and an {@link OpenFile} belongs to one thread at a time.
 *
 * <p>Polling: the handle keeps the kernel's latest waiting poller and wakes it (through the {@link
 * ChangeNotifier}) at the file's next change notification; the file view's {@link
 * OpenFile#changed()} says whether the descriptor has a change to read, exactly as kernfs's {@code
 * of->event} does (a read from offset 0 sees the change).
 */
final class OpenHandle {
  private final OpenFile file;
  private final Nodes.Node node;
  private final boolean refuseReads;
  private final boolean refuseWrites;
  private byte[] snapshot;
  private final AtomicReference<PollHandle> poller = new AtomicReference<>();
  private Subscription changes; // guarded by this
  private boolean notifies = true; // guarded by this: false once the file view said it does not notify

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

  /**
   * Answers a poll: {@code POLLIN|POLLOUT} always (kernfs's {@code DEFAULT_POLLMASK}), plus {@code
   * POLLERR|POLLPRI} when the file changed since this descriptor last read it from the start, or its
   * cgroup is gone; for a file that polls itself (a pressure file with a trigger, the kernel's {@code
   * cftype->poll}) when {@link OpenFile#changed()} — which asks the file, and may take its event —
   * says so. A non-null {@code waiting} replaces (and discards) the poller kept so far and is
   * woken at the next change. Not synchronised with reads: the change flag is lock-free.
   */
  int poll(PollHandle waiting, ChangeNotifier notifier) {
    if (waiting != null) {
      if (subscribe(notifier)) {
        PollHandle old = poller.getAndSet(waiting);
        if (old != null) {
          old.discard();
        }
      } else {
        waiting.discard();
      }
    }
    boolean changed;
    try {
      changed = node.removed() || file.changed();
    } catch (CgroupException e) {
      changed = false; // a file view that does not notify: readable, never urgent
    }
    int ready = NativeLayout.POLLIN | NativeLayout.POLLRDNORM | NativeLayout.POLLOUT | NativeLayout.POLLWRNORM;
    return changed ? ready | NativeLayout.POLLERR | NativeLayout.POLLPRI : ready;
  }

  /** Listens to the file's changes once per handle; false if the file view does not notify. */
  private synchronized boolean subscribe(ChangeNotifier notifier) {
    if (changes == null && notifies) {
      try {
        changes = file.onChange(() -> {
          PollHandle p = poller.getAndSet(null);
          if (p != null) {
            notifier.wake(p);
          }
        });
      } catch (CgroupException e) {
        notifies = false;
      }
    }
    return changes != null;
  }

  synchronized void close() {
    if (changes != null) {
      changes.close();
      changes = null;
    }
    PollHandle p = poller.getAndSet(null);
    if (p != null) {
      p.discard();
    }
    file.close();
  }
}
