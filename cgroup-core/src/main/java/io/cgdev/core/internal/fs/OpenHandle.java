package io.cgdev.core.internal.fs;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.KernelText;
import io.cgdev.api.OpenFile;
import io.cgdev.api.OpenOptions;
import io.cgdev.api.Subscription;
import io.cgdev.api.spi.FileHandle;
import io.cgdev.core.internal.hierarchy.FileEventSource;
import io.cgdev.core.internal.hierarchy.FileEvents;
import io.cgdev.core.internal.hierarchy.Hierarchy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An open interface file (kernfs's open file): the node resolved at open, the options, and the
 * per-handle attachment. Used by one thread at a time, as {@link OpenFile} says. Reads regenerate the
 * content without the lock; writes run under the hierarchy lock. Once the node's entry vanished
 * (cgroup removed, device unregistered, controller disabled) both fail with {@code ENODEV}. A
 * controller's reader or writer runs on the hierarchy's {@link io.cgdev.core.internal.guard.PluginGuard}:
 * if it throws anything but a {@link CgroupException}, the read or write fails with {@code EIO}.
 *
 * <p>Change notification as kernfs's open file: the handle holds its file's {@link FileEventSource}
 * from open to close and remembers the event count it saw at its last read (0 before the first), so
 * {@link #changed} is what {@code poll} reports; {@link #changed}, {@link #awaitChange} and {@link
 * #onChange} may be called from any thread.
 *
 * <p>A file that {@link io.cgdev.api.spi.CgroupFile#polls() polls} (a pressure file, the kernel's
 * {@code cftype->poll}) answers {@link #changed} and {@link #awaitChange} itself: the handle asks its
 * poller, without the hierarchy lock, instead of comparing event counts; a notification of the file
 * makes waiters ask again. Its {@link io.cgdev.api.spi.CgroupFile.Releaser releaser} runs exactly once
 * per handle: at {@link #close}, or earlier when the file goes away while the handle is open (the
 * hierarchy drains such handles, {@link FileEvents#drainVanished}, as kernfs releases the open files of
 * a removed node), always on the target the handle was opened on.
 */
final class OpenHandle implements OpenFile, FileHandle, FileEvents.Drainable {
  private final Hierarchy hierarchy;
  private final List<String> names;
  private String path; // normalised from names when first needed
  private String readOperation; // "read <path>" for the guard, made once: a scraper reads a handle many times
  private final Node.File file;
  private final OpenOptions options;
  private final FileEventSource events;
  private final Node.Target target;
  private final boolean polls;
  private final boolean releases;
  private final AtomicBoolean released = new AtomicBoolean();
  private final CopyOnWriteArrayList<Subscription> listeners = new CopyOnWriteArrayList<>();
  private Object attachment;
  private volatile long seen;
  private volatile boolean closed;

  OpenHandle(Hierarchy hierarchy, List<String> names, Node.File file, OpenOptions options) {
    this.hierarchy = hierarchy;
    this.names = names;
    this.file = file;
    this.options = options;
    this.events = hierarchy.fileEvents().acquire(file.eventKey());
    this.target = file.target();
    this.polls = file.declaration().polls();
    this.releases = file.declaration().releases();
    if (releases) {
      hierarchy.fileEvents().track(this);
      if (vanished()) { // went away while this was opened: the drain may have run before the track
        hierarchy.fileEvents().untrack(this);
        drain();
      }
    }
  }

  @Override
  public String path() {
    if (path == null) {
      path = PathNames.normalise(names);
    }
    return path;
  }

  @Override
  public String read() {
    if (closed || !options.read()) {
      throw CgroupException.of(Errno.EBADF, "cannot read %s: %s", path(), closed ? "the handle is closed" : "not opened for reading");
    }
    if (!present()) {
      throw gone();
    }
    // seen before the content is made: a change while it is made shows as one more (harmless) wakeup
    seen = events.event();
    var plugin = file.plugin();
    if (plugin == null) {
      return file.read(this);
    }
    if (readOperation == null) {
      readOperation = "read " + path();
    }
    String content = hierarchy.guard().call(plugin, readOperation, () -> file.read(this));
    if (content == null) {
      throw hierarchy.guard().fault(plugin, readOperation, new NullPointerException("the reader returned null"));
    }
    return content;
  }

  @Override
  public boolean changed() {
    if (closed) {
      return false;
    }
    if (!present()) {
      return true;
    }
    return polls ? poll() : events.event() != seen;
  }

  /** Asks the file's poller (which may take what it reports); a poller that throws reports ready. */
  private boolean poll() {
    var plugin = file.plugin();
    if (plugin == null) {
      return target.poll(this);
    }
    boolean[] ready = {true};
    hierarchy.guard().hook(plugin, "poll " + path(), () -> ready[0] = target.poll(this));
    return ready[0];
  }

  @Override
  public boolean awaitChange(Duration timeout) throws InterruptedException {
    if (!polls) {
      return events.await(() -> closed || events.event() != seen, timeout.toNanos()) && changed();
    }
    // a poller may take what it reports, so its first yes is kept rather than asked for again
    boolean[] ready = {false};
    events.await(() -> closed || ready[0] || (ready[0] = changed()), timeout.toNanos());
    return ready[0] && !closed;
  }

  @Override
  public Subscription onChange(Runnable listener) {
    if (closed) {
      throw CgroupException.of(Errno.EBADF, "cannot watch %s: the handle is closed", path());
    }
    Subscription s = events.onChange(listener);
    listeners.add(s);
    return () -> {
      s.close();
      listeners.remove(s);
    };
  }

  /**
   * Writes as kernfs and the kernel's cgroup files take a write(2): more than the file's maximum is
   * {@code E2BIG}; an empty write changes nothing and succeeds; the handler sees the value up to its
   * first NUL (a C string) without the kernel's surrounding white space ({@code strstrip}).
   */
  @Override
  public void write(String value) {
    if (closed || !options.write()) {
      throw CgroupException.of(Errno.EBADF, "cannot write %s: %s", path(), closed ? "the handle is closed" : "not opened for writing");
    }
    if (value == null) {
      throw CgroupException.of(Errno.EINVAL, "cannot write null to %s", path());
    }
    int max = file.declaration().maxWriteBytes();
    if (value.length() * 3L > max && byteLength(value) > max) {
      throw CgroupException.of(Errno.E2BIG, "cannot write %s: %d bytes is more than the %d a write may carry",
          path(), byteLength(value), max);
    }
    if (value.isEmpty()) {
      return;
    }
    String stripped = KernelText.strip(KernelText.untilNul(value));
    hierarchy.locked(() -> {
      if (!present()) {
        throw gone();
      }
      var plugin = file.plugin();
      if (plugin == null) {
        file.write(stripped, this);
      } else {
        hierarchy.guard().run(plugin, "write " + path(), () -> file.write(stripped, this));
      }
    });
  }

  /**
   * The bytes {@code value} stands for: one a character if all lie in {@code \u0000..\u00ff} (a
   * write's bytes as the FUSE mount hands them over), else its UTF-8 encoding.
   */
  static int byteLength(String value) {
    for (int i = 0; i < value.length(); i++) {
      if (value.charAt(i) > 0xff) {
        return value.getBytes(StandardCharsets.UTF_8).length;
      }
    }
    return value.length();
  }

  private CgroupException gone() {
    return CgroupException.of(Errno.ENODEV, "%s is gone: its cgroup, device or controller went away since it was opened", path());
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (releases) {
      hierarchy.fileEvents().untrack(this);
      drain();
    }
    attachment = null;
    for (Subscription s : listeners) {
      s.close();
    }
    listeners.clear();
    hierarchy.fileEvents().release(events);
    events.wake(); // awaitChange returns
  }

  @Override
  public boolean vanished() {
    return !file.present();
  }

  /**
   * Whether the handle's file is still there for it: the node is, and the handle was not drained (a
   * handle released because its file went away stays gone, even if the file shows again, e.g. after
   * {@code cgroup.pressure} went 0 and back to 1: what it set up was released).
   */
  private boolean present() {
    return file.present() && !released.get(); // only a handle of a file with a releaser is ever released
  }

  /**
   * Runs the file's releaser on this handle, once whoever comes first: {@link #close} or the
   * hierarchy's drain. Holds the handle's monitor, as {@link #close} does, so that a close racing with
   * a drain does not drop the attachment while the releaser still looks at it.
   */
  @Override
  public synchronized void drain() {
    if (!released.compareAndSet(false, true)) {
      return;
    }
    var plugin = file.plugin();
    if (plugin == null) {
      target.release(this);
    } else {
      hierarchy.guard().hook(plugin, "release " + path(), () -> target.release(this));
    }
  }

  @Override
  public boolean nonBlocking() {
    return options.nonBlocking();
  }

  @Override
  public int callerPid() {
    return options.callerPid();
  }

  @Override
  public Object attachment() {
    return attachment;
  }

  @Override
  public void attach(Object value) {
    attachment = value;
  }

  @Override
  public String toString() {
    return "open " + path();
  }
}
