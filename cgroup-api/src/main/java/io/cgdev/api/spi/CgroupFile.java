package io.cgdev.api.spi;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupFs;
import io.cgdev.api.Errno;
import io.cgdev.api.Stability;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * The declaration of one interface file (the kernel's cftype): its name without the controller
 * prefix ({@code max} becomes {@code memory.max}; the core adds the prefix), its flags, and how it is
 * read and written. A file with no writer is read-only (0444), one with both is 0644.
 *
 * <p>{@link Reader#read} runs on the reader's thread without the hierarchy lock, so it must only read
 * lock-free data. {@link Writer#write} runs under the hierarchy lock (writes are configuration
 * changes), must validate the whole value before changing anything, and reports bad input as {@link
 * CgroupException} {@code EINVAL} or {@code ERANGE} with a message naming the value.
 *
 * @param <S> what the file works on: a controller's {@link DeviceState} for per-device files, a
 *     {@link CgroupHandle} for a controller's host files
 */
@Stability(Stability.Status.STABLE)
public final class CgroupFile<S> {
  /** Produces the file's whole content, ending in a newline. */
  @FunctionalInterface
  public interface Reader<S> {
    String read(S target, FileHandle handle);
  }

  /** Applies one value (already stripped of surrounding whitespace). */
  @FunctionalInterface
  public interface Writer<S> {
    void write(S target, String value, FileHandle handle);
  }

  /**
   * What a poll of one open handle reports, for a file whose handles do not follow its change
   * notifications (the kernel's {@code cftype->poll}, e.g. a pressure file's trigger): true for
   * {@code POLLPRI}. The file view asks it instead of comparing notification counts, whenever a
   * poller looks (after each {@code BindContext.notifyChange} of the file, and at each {@code poll});
   * it may consume what it reports, as the kernel's {@code psi_trigger_poll} does. Runs on any
   * thread without the hierarchy lock; must be lock-free and must not throw.
   */
  @FunctionalInterface
  public interface Poller<S> {
    boolean poll(S target, FileHandle handle);
  }

  /**
   * Called once when an open handle of the file closes (the kernel's {@code cftype->release}), before
   * its attachment is dropped: to end what the handle set up, e.g. a pressure trigger. Runs on the
   * closing thread without the hierarchy lock; must not throw.
   */
  @FunctionalInterface
  public interface Releaser<S> {
    void release(S target, FileHandle handle);
  }

  private final String name;
  private final Set<FileFlag> flags;
  private final int maxWriteBytes;
  private final Reader<S> reader;
  private final Writer<S> writer;
  private final Poller<S> poller;
  private final Releaser<S> releaser;

  private CgroupFile(Builder<S> b) {
    this.name = b.name;
    this.flags = Set.copyOf(b.flags);
    this.maxWriteBytes = b.maxWriteBytes;
    this.reader = b.reader;
    this.writer = b.writer;
    this.poller = b.poller;
    this.releaser = b.releaser;
  }

  /** Starts a declaration of the file {@code <controller>.<name>}. */
  public static <S> Builder<S> named(String name) {
    return new Builder<>(name);
  }

  /** A read-only file. */
  public static <S> CgroupFile<S> readOnly(String name, Reader<S> reader, FileFlag... flags) {
    Builder<S> b = new Builder<S>(name).reader(reader);
    for (FileFlag f : flags) {
      b.flag(f);
    }
    return b.build();
  }

  /** A read-write file. */
  public static <S> CgroupFile<S> readWrite(
      String name, Reader<S> reader, Writer<S> writer, FileFlag... flags) {
    Builder<S> b = new Builder<S>(name).reader(reader).writer(writer);
    for (FileFlag f : flags) {
      b.flag(f);
    }
    return b.build();
  }

  public String name() {
    return name;
  }

  public Set<FileFlag> flags() {
    return flags;
  }

  public boolean has(FileFlag flag) {
    return flags.contains(flag);
  }

  /** True where the file appears: root-only files on the root, not-on-root files elsewhere. */
  public boolean appearsOn(boolean root) {
    return root ? !flags.contains(FileFlag.NOT_ON_ROOT) : !flags.contains(FileFlag.ONLY_ON_ROOT);
  }

  public boolean readable() {
    return reader != null;
  }

  public boolean writable() {
    return writer != null;
  }

  /** Permission bits as the file view shows them. */
  public int mode() {
    return (readable() ? 0444 : 0) | (writable() ? 0200 : 0);
  }

  /** The longest write accepted; longer ones fail with {@code E2BIG}. */
  public int maxWriteBytes() {
    return maxWriteBytes;
  }

  /**
   * Reads the file.
   *
   * @throws CgroupException {@code EACCES} if the file is write-only
   */
  public String read(S target, FileHandle handle) {
    if (reader == null) {
      throw CgroupException.of(Errno.EACCES, "%s is not readable", name);
    }
    return reader.read(target, handle);
  }

  /**
   * Writes one value.
   *
   * @throws CgroupException {@code EACCES} if the file is read-only, else what the writer throws
   */
  public void write(S target, String value, FileHandle handle) {
    if (writer == null) {
      throw CgroupException.of(Errno.EACCES, "%s is read-only", name);
    }
    writer.write(target, value, handle);
  }

  /** Whether handles of this file poll through a {@link Poller} rather than its change notifications. */
  public boolean polls() {
    return poller != null;
  }

  /**
   * What a poll of {@code handle} reports ({@code POLLPRI}); without a {@link Poller}, false (the file
   * view then compares change notifications).
   */
  public boolean poll(S target, FileHandle handle) {
    return poller != null && poller.poll(target, handle);
  }

  /** Whether the file has a {@link Releaser}: its handles must be released when the file goes away. */
  public boolean releases() {
    return releaser != null;
  }

  /** Tells the file that {@code handle} closes; nothing without a {@link Releaser}. */
  public void release(S target, FileHandle handle) {
    if (releaser != null) {
      releaser.release(target, handle);
    }
  }

  @Override
  public String toString() {
    return "CgroupFile[" + name + ", " + flags + ", mode " + Integer.toOctalString(mode()) + "]";
  }

  /** Builds a {@link CgroupFile}. */
  public static final class Builder<S> {
    private final String name;
    private final EnumSet<FileFlag> flags = EnumSet.noneOf(FileFlag.class);
    private int maxWriteBytes = CgroupFs.MAX_WRITE_BYTES;
    private Reader<S> reader;
    private Writer<S> writer;
    private Poller<S> poller;
    private Releaser<S> releaser;

    private Builder(String name) {
      this.name = Objects.requireNonNull(name, "name");
      if (name.isEmpty() || name.indexOf('/') >= 0 || name.indexOf('\n') >= 0) {
        throw new IllegalArgumentException("invalid file name '" + name + "'");
      }
    }

    public Builder<S> reader(Reader<S> reader) {
      this.reader = Objects.requireNonNull(reader);
      return this;
    }

    public Builder<S> writer(Writer<S> writer) {
      this.writer = Objects.requireNonNull(writer);
      return this;
    }

    /** Handles of the file poll through {@code poller} (see {@link Poller}). */
    public Builder<S> poller(Poller<S> poller) {
      this.poller = Objects.requireNonNull(poller);
      return this;
    }

    /** {@code releaser} runs when a handle of the file closes (see {@link Releaser}). */
    public Builder<S> releaser(Releaser<S> releaser) {
      this.releaser = Objects.requireNonNull(releaser);
      return this;
    }

    public Builder<S> flag(FileFlag flag) {
      flags.add(flag);
      return this;
    }

    public Builder<S> maxWriteBytes(int bytes) {
      if (bytes <= 0 || bytes > CgroupFs.MAX_WRITE_BYTES) {
        throw new IllegalArgumentException("maxWriteBytes must lie in 1..4096: " + bytes);
      }
      this.maxWriteBytes = bytes;
      return this;
    }

    public CgroupFile<S> build() {
      if (reader == null && writer == null) {
        throw new IllegalStateException("file " + name + " has neither reader nor writer");
      }
      if (flags.contains(FileFlag.ONLY_ON_ROOT) && flags.contains(FileFlag.NOT_ON_ROOT)) {
        throw new IllegalStateException("file " + name + " cannot be both root-only and not-on-root");
      }
      return new CgroupFile<>(this);
    }
  }
}
