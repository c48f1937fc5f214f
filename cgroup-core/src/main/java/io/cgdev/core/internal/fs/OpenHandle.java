package io.cgdev.core.internal.fs;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.KernelText;
import io.cgdev.api.OpenFile;
import io.cgdev.api.OpenOptions;
import io.cgdev.api.spi.FileHandle;
import io.cgdev.core.internal.hierarchy.Hierarchy;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * An open interface file (kernfs's open file): the node resolved at open, the options, and the
 * per-handle attachment. Used by one thread at a time, as {@link OpenFile} says. Reads regenerate the
 * content without the lock; writes run under the hierarchy lock. Once the node's entry vanished
 * (cgroup removed, device unregistered, controller disabled) both fail with {@code ENODEV}. A
 * controller's reader or writer runs on the hierarchy's {@link io.cgdev.core.internal.guard.PluginGuard}:
 * if it throws anything but a {@link CgroupException}, the read or write fails with {@code EIO}.
 */
final class OpenHandle implements OpenFile, FileHandle {
  private final Hierarchy hierarchy;
  private final List<String> names;
  private String path; // normalised from names when first needed
  private final Node.File file;
  private final OpenOptions options;
  private Object attachment;
  private volatile boolean closed;

  OpenHandle(Hierarchy hierarchy, List<String> names, Node.File file, OpenOptions options) {
    this.hierarchy = hierarchy;
    this.names = names;
    this.file = file;
    this.options = options;
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
    if (!file.present()) {
      throw gone();
    }
    var plugin = file.plugin();
    if (plugin == null) {
      return file.read(this);
    }
    String content = hierarchy.guard().call(plugin, "read " + path(), () -> file.read(this));
    if (content == null) {
      throw hierarchy.guard().fault(plugin, "read " + path(), new NullPointerException("the reader returned null"));
    }
    return content;
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
      if (!file.present()) {
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
  public void close() {
    closed = true;
    attachment = null;
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
