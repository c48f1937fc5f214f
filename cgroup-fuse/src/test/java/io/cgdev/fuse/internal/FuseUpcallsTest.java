package io.cgdev.fuse.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The native stubs' side of the binding, called as libfuse calls them, without a mount: every
 * request gets exactly one reply; a {@link CgroupException} becomes its errno; anything else the
 * file system throws — even an {@link Error} — becomes {@code EIO} for that request, and the next
 * one is served; the request's sender is known to the file system while it serves.
 */
class FuseUpcallsTest {
  private static final Attributes FILE = new Attributes(false, 0644, 0, 0, 1, Instant.EPOCH);
  private final List<String> replies = new ArrayList<>();
  private final List<String> calls = new ArrayList<>();
  private Throwable fault;
  private final RequestContext context = new RequestContext(req -> new Caller((int) req.address(), 7, 9));

  private final FuseFileSystem fs = new FuseFileSystem() {
    private void call(String what) {
      calls.add(what + " by " + context.current().uid());
      Throwable f = fault;
      if (f instanceof RuntimeException r) {
        throw r;
      }
      if (f instanceof Error e) {
        throw e;
      }
    }

    @Override public void init() { call("init"); }
    @Override public void destroy() { call("destroy"); }
    @Override public Entry lookup(long parent, String name) { call("lookup " + parent + " " + name); return new Entry(5, FILE); }
    @Override public void forget(long ino, long count) { call("forget " + ino + " " + count); }
    @Override public Attributes getattr(long ino, FileInfo fi) { call("getattr " + ino + " fh=" + (fi == null ? "-" : fi.fh())); return FILE; }
    @Override public Attributes setattr(long ino, Changes changes, FileInfo fi) { call("setattr " + ino + " mode=" + Integer.toOctalString(changes.mode() & 07777)); return FILE; }
    @Override public Entry mkdir(long parent, String name, int mode) { call("mkdir " + name); return new Entry(6, FILE); }
    @Override public void rmdir(long parent, String name) { call("rmdir " + name); }
    @Override public void open(long ino, FileInfo fi) { call("open " + ino); fi.setFh(42); fi.setDirectIo(); }
    @Override public int read(long ino, ByteBuffer buffer, long offset, FileInfo fi) {
      call("read " + ino + " fh=" + fi.fh());
      buffer.put("max\n".getBytes(StandardCharsets.UTF_8));
      return 4;
    }
    @Override public int write(long ino, ByteBuffer data, long offset, FileInfo fi) { call("write " + data.remaining()); return data.remaining(); }
    @Override public void release(long ino, FileInfo fi) { call("release " + fi.fh()); }
    @Override public void opendir(long ino, FileInfo fi) { call("opendir"); }
    @Override public List<String> readdir(long ino, boolean fromStart, FileInfo fi) { call("readdir " + fromStart); return List.of(".", "..", "a", "b"); }
    @Override public void releasedir(long ino, FileInfo fi) { call("releasedir"); }
    @Override public int refusal(String operation) { call("refuse " + operation); return Errno.EPERM.number(); }
    @Override public int poll(long ino, FileInfo fi, PollHandle poller) {
      call("poll " + ino + " fh=" + fi.fh() + " events=" + fi.pollEvents() + (poller == null ? "" : " waits"));
      return NativeLayout.POLLIN | NativeLayout.POLLPRI;
    }
  };

  private final FuseUpcalls.Replies recorder = new FuseUpcalls.Replies() {
    @Override public void err(MemorySegment req, int errno) { replies.add("err " + errno); }
    @Override public void none(MemorySegment req) { replies.add("none"); }
    @Override public void entry(MemorySegment req, FuseFileSystem.Entry entry) { replies.add("entry " + entry.ino()); }
    @Override public void attr(MemorySegment req, long ino, Attributes attributes) { replies.add("attr " + ino); }
    @Override public void open(MemorySegment req, MemorySegment fi) {
      FileInfo info = FuseUpcalls.fileInfo(fi);
      replies.add("open fh=" + info.fh() + " direct_io=" + info.directIo());
    }
    @Override public void write(MemorySegment req, long count) { replies.add("write " + count); }
    @Override public void data(MemorySegment req, MemorySegment buf, long count) {
      replies.add("data " + new String(buf.asSlice(0, count).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8).strip());
    }
    @Override public void directory(MemorySegment req, List<String> names, long offset, long size) { replies.add("dir " + names); }
    @Override public void poll(MemorySegment req, int revents) { replies.add("poll " + revents); }
    @Override public PollHandle pollHandle(MemorySegment ph) {
      return new PollHandle() {
        @Override public void wake() { replies.add("wake " + ph.address()); }
        @Override public void discard() { replies.add("discard " + ph.address()); }
      };
    }
  };

  private final FuseUpcalls upcalls = new FuseUpcalls(fs, recorder, context, () -> calls.add("after init"));

  @Test
  void everyRequestGetsOneReplyAndTheFileSystemKnowsWhoSentIt() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment req = MemorySegment.ofAddress(1000);
      MemorySegment fi = arena.allocate(NativeLayout.FILE_INFO_SIZE, 8);
      MemorySegment stat = arena.allocate(NativeLayout.STAT_SIZE, 8);
      stat.set(ValueLayout.JAVA_INT, NativeLayout.STAT_MODE, 0600);
      upcalls.lookup(req, 1, arena.allocateFrom("memory.max"));
      upcalls.open(req, 5, fi);
      upcalls.read(req, 5, 64, 0, fi);
      upcalls.write(req, 5, arena.allocateFrom("max"), 3, 0, fi);
      upcalls.getattr(req, 5, fi);
      upcalls.setattr(req, 5, stat, NativeLayout.SET_ATTR_MODE, fi);
      upcalls.release(req, 5, fi);
      upcalls.forget(req, 5, 1);
      upcalls.readdir(req, 1, 4096, 2, MemorySegment.NULL);
      upcalls.link(req, 5, 1, arena.allocateFrom("hard"));
      assertThat(replies).containsExactly("entry 5", "open fh=42 direct_io=true", "data max", "write 3", "attr 5",
          "attr 5", "err 0", "none", "dir [a, b]", "err 1");
      assertThat(calls).first().isEqualTo("lookup 1 memory.max by 1000");
      assertThat(calls).contains("setattr 5 mode=600 by 1000", "release 42 by 1000", "readdir false by 1000");
      assertThat(context.current()).as("outside a request").isEqualTo(Caller.ROOT);
    }
  }

  @Test
  void anErrnoIsTheReplyAndAnythingElseIsEioForThatRequestOnly() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment req = MemorySegment.ofAddress(1);
      MemorySegment fi = arena.allocate(NativeLayout.FILE_INFO_SIZE, 8);
      fault = new CgroupException(Errno.ENODEV, "gone");
      upcalls.read(req, 5, 8, 0, fi);
      fault = new IllegalStateException("a bug");
      upcalls.getattr(req, 5, fi);
      fault = new StackOverflowError("deep");
      upcalls.lookup(req, 1, arena.allocateFrom("x"));
      upcalls.forget(req, 5, 1);
      upcalls.init(MemorySegment.NULL, MemorySegment.NULL);
      upcalls.destroy(MemorySegment.NULL);
      fault = null;
      upcalls.read(req, 5, 8, 0, fi);
      assertThat(replies).containsExactly("err 19", "err " + FuseUpcalls.EIO, "err " + FuseUpcalls.EIO, "none", "data max");
    }
  }

  @Test
  void aPollIsAnsweredWithTheReadyEventsAndAPollerIsDiscardedWhenThePollFails() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment req = MemorySegment.ofAddress(3);
      MemorySegment fi = arena.allocate(NativeLayout.FILE_INFO_SIZE, 8);
      fi.set(ValueLayout.JAVA_LONG, NativeLayout.FILE_INFO_FH, 42);
      fi.set(ValueLayout.JAVA_INT, NativeLayout.FILE_INFO_POLL_EVENTS, NativeLayout.POLLPRI);
      upcalls.poll(req, 5, fi, MemorySegment.NULL);
      upcalls.poll(req, 5, fi, MemorySegment.ofAddress(77));
      fault = new CgroupException(Errno.EBADF, "released");
      upcalls.poll(req, 5, fi, MemorySegment.ofAddress(78));
      assertThat(calls).contains("poll 5 fh=42 events=2 by 3", "poll 5 fh=42 events=2 waits by 3");
      assertThat(replies).containsExactly("poll 3", "poll 3", "discard 78", "err 9");
    }
  }

  @Test
  void directIoIsSetInTheFileInfoAndStatFieldsLandWhereGlibcReadsThem() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment segment = arena.allocate(NativeLayout.FILE_INFO_SIZE, 8);
      segment.set(ValueLayout.JAVA_LONG, NativeLayout.FILE_INFO_FH, 3);
      FileInfo fi = new FileInfo(segment);
      fi.setDirectIo();
      assertThat(fi.directIo()).isTrue();
      assertThat(fi.fh()).isEqualTo(3);
      StatBuffer stat = new StatBuffer(arena.allocate(NativeLayout.STAT_SIZE, 8));
      stat.set(9, FILE);
      assertThat(stat.mode()).isEqualTo(StatBuffer.S_IFREG | 0644);
      assertThat(stat.size()).isZero();
    }
  }
}
