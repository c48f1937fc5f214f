package io.cgdev.state;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The append side of a state file: applies each change and appends its record under one lock, so
 * that the file's order is the order in which changes were made, then forces the file to disk
 * before the change is acknowledged (returns to its caller).
 *
 * <p><b>Group commit.</b> The force happens outside the lock: whoever forces first covers every
 * record appended before it started, and the threads whose records it covered return without a force
 * of their own. So after a crash the file holds a prefix of the changes in the order they were
 * made, and that prefix holds every change that was acknowledged.
 *
 * <p><b>Groups.</b> {@link #atomically} keeps the lock for a whole request and writes the records of
 * all its changes as one line (one {@code write(2)}): a {@code mkdir} through the mount and the
 * owner it gives the new cgroup are kept together or not at all.
 *
 * <p><b>Compaction.</b> After {@code compactAfter} records the file is replaced (temporary file,
 * force, rename, force the folder) by a checkpoint of the state as it is — under the lock, so that
 * no change falls between the checkpoint and the records that follow it.
 *
 * <p><b>Failure.</b> A record that cannot be written or forced answers that change with {@code EIO}
 * (the change is made, but not kept) and refuses every later change with {@code EIO} before making
 * it, so the tree never moves further from the file; reopening the state file recovers.
 */
final class Journal implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Journal.class);

  private final Disk disk;
  private final Path file;
  private final int compactAfter;
  private final Supplier<List<String>> checkpoint;
  private final ReentrantLock lock = new ReentrantLock();
  private final Object forcing = new Object();
  private final ThreadLocal<List<Op>> group = new ThreadLocal<>();
  private volatile Disk.Appender out;
  /** Bytes appended since this journal opened, over every file it wrote (guarded by the lock). */
  private volatile long written;
  /** How many of {@link #written} are known to be on disk. */
  private volatile long durable;
  private int sinceCheckpoint;
  private long records;
  private int compactions;
  private volatile String broken;

  /**
   * @param out the file, open for appending at its (valid) end
   * @param sinceCheckpoint records in the file after its checkpoint (or its base line)
   * @param checkpoint the lines of a new file holding the state as it is (header, base, checkpoint);
   *     called under the lock
   */
  Journal(Disk disk, Path file, Disk.Appender out, int sinceCheckpoint, int compactAfter, Supplier<List<String>> checkpoint) {
    this.disk = disk;
    this.file = file;
    this.out = out;
    this.sinceCheckpoint = sinceCheckpoint;
    this.compactAfter = compactAfter;
    this.checkpoint = checkpoint;
  }

  /**
   * Makes a change and keeps it: runs {@code apply} under the lock; if it returns, appends {@code
   * ops} as one record (or adds them to the current {@link #atomically} group) and, outside a group,
   * forces them to disk before returning. If {@code apply} throws, nothing is recorded.
   *
   * @throws CgroupException what {@code apply} throws; {@code EIO} when the journal cannot keep it
   */
  void change(Runnable apply, Op... ops) {
    checkUsable();
    long position = -1;
    lock.lock();
    try {
      checkUsable();
      apply.run();
      List<Op> current = group.get();
      if (current != null) {
        current.addAll(List.of(ops));
      } else {
        position = appendLocked(List.of(ops));
      }
    } finally {
      lock.unlock();
    }
    if (position >= 0) {
      force(position);
    }
  }

  /**
   * Runs {@code request} as one unit: every {@link #change} it makes is applied and recorded in one
   * line, forced before this returns. Nested calls join the outer unit. If {@code request} throws
   * after some changes were made, those are still recorded (they happened), and the exception
   * goes on.
   */
  void atomically(Runnable request) {
    checkUsable();
    long position = -1;
    lock.lock();
    try {
      if (group.get() != null) {
        request.run();
        return;
      }
      List<Op> ops = new ArrayList<>();
      group.set(ops);
      try {
        request.run();
      } finally {
        group.remove();
        if (!ops.isEmpty()) {
          position = appendLocked(ops);
        }
      }
    } finally {
      lock.unlock();
    }
    if (position >= 0) {
      force(position);
    }
  }

  private long appendLocked(List<Op> ops) {
    byte[] bytes = RecordCodec.encode(ops).getBytes(StandardCharsets.ISO_8859_1);
    try {
      out.write(bytes);
    } catch (IOException e) {
      throw fail("cannot append " + ops.getFirst().name(), e);
    }
    written += bytes.length;
    records++;
    if (++sinceCheckpoint >= compactAfter) {
      compactLocked();
    }
    return written;
  }

  /** Returns once the first {@code position} bytes are on disk, forcing them if nobody has yet. */
  private void force(long position) {
    if (durable >= position) {
      return;
    }
    synchronized (forcing) {
      if (durable >= position) {
        return;
      }
      long target = written; // every byte counted here was written before the force starts
      try {
        out.force();
      } catch (IOException e) {
        throw fail("cannot force it to disk", e);
      }
      durable = Math.max(durable, target);
    }
  }

  /** Replaces the file by a checkpoint now (also done every {@code compactAfter} records). */
  void compact() {
    checkUsable();
    lock.lock();
    try {
      compactLocked();
    } finally {
      lock.unlock();
    }
  }

  private void compactLocked() {
    List<String> lines = checkpoint.get();
    byte[] content = String.join("", lines).getBytes(StandardCharsets.ISO_8859_1);
    synchronized (forcing) {
      try {
        disk.replace(file, content);
      } catch (IOException e) {
        // the old file is whole and still appended to; try again after as many records
        LOG.warn("state file {}: compaction failed, kept the journal as it is: {}", file, e.toString());
        sinceCheckpoint = 0;
        return;
      }
      Disk.Appender old = out;
      try {
        out = disk.append(file);
      } catch (IOException e) {
        throw fail("cannot reopen it after compaction", e);
      } finally {
        try {
          old.close();
        } catch (IOException e) {
          LOG.debug("closing the replaced journal of {}", file, e);
        }
      }
      durable = written; // everything so far is in the checkpoint, which is on disk
      sinceCheckpoint = 0;
      compactions++;
    }
  }

  private CgroupException fail(String what, IOException e) {
    String reason = "state file " + file + ": " + what + " (" + e.getMessage() + ")";
    if (broken == null) {
      broken = reason;
    }
    LOG.error("{}; further changes are refused", reason);
    return new CgroupException(Errno.EIO, reason + ": the change was made but is not kept; further changes are refused"
        + " until the state file is opened again", e);
  }

  private void checkUsable() {
    String why = broken;
    if (why != null) {
      throw new CgroupException(Errno.EIO, "changes are refused since " + why + "; open the state file again to go on");
    }
  }

  /** Records appended since open. */
  long records() {
    return records;
  }

  /** Compactions since open. */
  int compactions() {
    return compactions;
  }

  @Override
  public void close() throws IOException {
    lock.lock();
    try {
      synchronized (forcing) {
        if (broken == null) {
          out.force();
        }
        out.close();
      }
    } finally {
      lock.unlock();
    }
  }
}
