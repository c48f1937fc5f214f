package io.cgdev.state;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A {@link Disk} that remembers, for each file, what a crash would keep: the bytes up to the last
 * force are {@linkplain #crashImage durable}; what was appended after may survive in part or not at
 * all. {@link #replace} is atomic and durable, as rename plus forcing the folder is. It logs every
 * operation, so tests can check that an acknowledged change was forced, and can be told to fail.
 */
final class SimulatedDisk implements Disk {
  private final Map<Path, ByteArrayOutputStream> files = new HashMap<>();
  private final Map<Path, Integer> durable = new HashMap<>();
  private final Set<Path> locked = new HashSet<>();
  final List<String> log = new ArrayList<>();
  /** Makes the next appends (and forces) fail, as a full or broken disk would. */
  volatile boolean failing;
  /** Called with the log entry before each operation, e.g. to take a crash image mid-way. */
  volatile java.util.function.Consumer<String> beforeEach = s -> {};

  synchronized byte[] content(Path file) {
    ByteArrayOutputStream b = files.get(file);
    return b == null ? null : b.toByteArray();
  }

  synchronized int durableLength(Path file) {
    return durable.getOrDefault(file, 0);
  }

  /**
   * What {@code file} holds after a crash now: its durable bytes, then a random part (maybe none,
   * maybe all) of what was written after the last force.
   */
  synchronized byte[] crashImage(Path file, Random random) {
    byte[] all = content(file);
    if (all == null) {
      return null;
    }
    int keep = durableLength(file);
    int extra = all.length - keep;
    int survives = extra == 0 ? 0 : random.nextInt(extra + 1);
    return Arrays.copyOf(all, keep + survives);
  }

  /** Puts {@code bytes} in place of {@code file}, all durable (a disk after a crash). */
  synchronized void set(Path file, byte[] bytes) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(bytes);
    files.put(file, b);
    durable.put(file, bytes.length);
  }

  private void note(String what) {
    beforeEach.accept(what);
    synchronized (this) {
      log.add(what);
    }
  }

  @Override
  public byte[] read(Path file) {
    return content(file);
  }

  @Override
  public Appender append(Path file) throws IOException {
    if (content(file) == null) {
      throw new IOException(file + ": no such file");
    }
    return new Appender() {
      @Override
      public void write(byte[] bytes) throws IOException {
        note("write " + bytes.length);
        if (failing) {
          throw new IOException("simulated write error");
        }
        synchronized (SimulatedDisk.this) {
          files.get(file).writeBytes(bytes);
        }
      }

      @Override
      public void force() throws IOException {
        note("force");
        if (failing) {
          throw new IOException("simulated force error");
        }
        synchronized (SimulatedDisk.this) {
          durable.put(file, files.get(file).size());
        }
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public void replace(Path file, byte[] content) throws IOException {
    note("replace " + content.length);
    if (failing) {
      throw new IOException("simulated replace error");
    }
    set(file, content);
  }

  @Override
  public void truncate(Path file, long length) {
    note("truncate " + length);
    synchronized (this) {
      byte[] kept = Arrays.copyOf(content(file), (int) length);
      set(file, kept);
    }
  }

  @Override
  public boolean removeLeftover(Path file) {
    return false;
  }

  @Override
  public synchronized Closeable lock(Path file) {
    if (!locked.add(file)) {
      return null;
    }
    return () -> {
      synchronized (SimulatedDisk.this) {
        locked.remove(file);
      }
    };
  }
}
