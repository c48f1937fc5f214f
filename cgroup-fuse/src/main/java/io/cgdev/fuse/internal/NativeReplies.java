package io.cgdev.fuse.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/** Replies to libfuse requests through {@link LibFuse}, packing the C structures they carry. */
final class NativeReplies implements FuseUpcalls.Replies {
  /** The inode number a directory entry reports when the listing does not know it (libfuse's own choice). */
  private static final long UNKNOWN_INO = 0xffffffffL;

  private final LibFuse lib;

  NativeReplies(LibFuse lib) {
    this.lib = lib;
  }

  @Override
  public void err(MemorySegment req, int errno) {
    lib.replyErr(req, errno);
  }

  @Override
  public void none(MemorySegment req) {
    lib.replyNone(req);
  }

  @Override
  public void entry(MemorySegment req, FuseFileSystem.Entry entry) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment e = arena.allocate(NativeLayout.ENTRY_SIZE, 8);
      e.set(ValueLayout.JAVA_LONG, NativeLayout.ENTRY_INO, entry.ino());
      new StatBuffer(e.asSlice(NativeLayout.ENTRY_ATTR, NativeLayout.STAT_SIZE)).set(entry.ino(), entry.attributes());
      e.set(ValueLayout.JAVA_DOUBLE, NativeLayout.ENTRY_ATTR_TIMEOUT, FuseUpcalls.TIMEOUT_SECONDS);
      e.set(ValueLayout.JAVA_DOUBLE, NativeLayout.ENTRY_ENTRY_TIMEOUT, FuseUpcalls.TIMEOUT_SECONDS);
      lib.replyEntry(req, e);
    }
  }

  @Override
  public void attr(MemorySegment req, long ino, Attributes attributes) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment st = arena.allocate(NativeLayout.STAT_SIZE, 8);
      new StatBuffer(st).set(ino, attributes);
      lib.replyAttr(req, st, FuseUpcalls.TIMEOUT_SECONDS);
    }
  }

  @Override
  public void open(MemorySegment req, MemorySegment fi) {
    lib.replyOpen(req, fi);
  }

  @Override
  public void write(MemorySegment req, long count) {
    lib.replyWrite(req, count);
  }

  @Override
  public void data(MemorySegment req, MemorySegment buf, long count) {
    lib.replyBuf(req, buf, count);
  }

  @Override
  public void directory(MemorySegment req, List<String> names, long offset, long size) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment buf = arena.allocate(Math.max(1, size));
      MemorySegment st = arena.allocate(NativeLayout.STAT_SIZE, 8);
      st.set(ValueLayout.JAVA_LONG, NativeLayout.STAT_INO, UNKNOWN_INO);
      long used = 0;
      long next = offset;
      for (String name : names) {
        next++;
        long need = lib.addDirentry(req, buf.asSlice(used), size - used, arena.allocateFrom(name), st, next);
        if (need > size - used) {
          break; // full: the kernel asks again from the offset of the first entry left out
        }
        used += need;
      }
      lib.replyBuf(req, buf, used);
    }
  }

  @Override
  public void poll(MemorySegment req, int revents) {
    lib.replyPoll(req, revents);
  }

  @Override
  public PollHandle pollHandle(MemorySegment ph) {
    AtomicBoolean done = new AtomicBoolean();
    return new PollHandle() {
      @Override
      public void wake() {
        if (done.compareAndSet(false, true)) {
          lib.notifyPoll(ph); // a poller that has gone answers -ENOENT: nothing to do
          lib.pollhandleDestroy(ph);
        }
      }

      @Override
      public void discard() {
        if (done.compareAndSet(false, true)) {
          lib.pollhandleDestroy(ph);
        }
      }
    };
  }
}
