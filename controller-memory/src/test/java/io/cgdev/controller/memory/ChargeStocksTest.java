package io.cgdev.controller.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.testkit.FakeFileHandle;
import io.cgdev.testkit.LruReclaimer;
import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The per-thread charge stocks seen through {@code MemoryCharging} and the files. */
class ChargeStocksTest {
  private static final long PAGE = 4096;
  private static final long BATCH = ChargeStocks.BATCH_PAGES * PAGE;

  private final Fixture f = Fixture.oneRegion(100 * Fixture.M);

  private static Errno errno(Runnable r) {
    try {
      r.run();
    } catch (CgroupException e) {
      return e.errno();
    }
    throw new AssertionError("no CgroupException");
  }

  private long counted(String path) {
    return f.state(path).counter().usage();
  }

  /** Runs {@code r} on a thread of its own and waits for it; rethrows what it threw. */
  private static void onOtherThread(Runnable r) throws InterruptedException {
    AtomicReference<Throwable> failed = new AtomicReference<>();
    Thread t = new Thread(() -> {
      try {
        r.run();
      } catch (Throwable e) {
        failed.set(e);
      }
    });
    t.start();
    t.join();
    if (failed.get() != null) {
      throw new AssertionError(failed.get());
    }
  }

  @Test
  void aSmallChargeStocksABatchThatServesTheNextChargesAndFilesStayExact() {
    f.mkdir("/a");
    f.charging.charge(f.cg("/a"), 0, PAGE);
    assertThat(counted("/a")).isEqualTo(BATCH);
    assertThat(counted("/")).isEqualTo(BATCH);
    f.charging.charge(f.cg("/a"), 0, 3 * PAGE);
    assertThat(counted("/a")).as("served from the stock").isEqualTo(BATCH);
    f.charging.uncharge(f.cg("/a"), 0, 2 * PAGE);
    assertThat(counted("/a")).as("returned to the stock").isEqualTo(BATCH);
    // memory.current and usage() return the stocks first: they are exact
    assertThat(f.read("/a", "current")).isEqualTo(2 * PAGE + "\n");
    assertThat(counted("/a")).isEqualTo(2 * PAGE);
    assertThat(f.charging.usage(f.cg("/"), 0)).isEqualTo(2 * PAGE);
    // the peak includes what was stocked, as memcg's does
    assertThat(f.state("/a").counter().watermark()).isEqualTo(BATCH);
  }

  @Test
  void chargesLargerThanABatchBypassTheStock() {
    f.mkdir("/a");
    f.charging.charge(f.cg("/a"), 0, BATCH + PAGE);
    assertThat(counted("/a")).isEqualTo(BATCH + PAGE);
  }

  @Test
  void anotherThreadsStockNeverCausesARefusalOrAFailCount() throws Exception {
    f.mkdir("/a");
    f.write("/a", "max", Long.toString(100 * PAGE));
    onOtherThread(() -> f.charging.charge(f.cg("/a"), 0, PAGE)); // stocks 63 pages in that thread
    assertThat(counted("/a")).isEqualTo(BATCH);
    f.charging.charge(f.cg("/a"), 0, 99 * PAGE); // fits only without the other thread's stock
    assertThat(f.charging.usage(f.cg("/a"), 0)).isEqualTo(100 * PAGE);
    assertThat(f.state("/a").counter().failcnt()).isZero();
    assertThat(f.read("/a", "events")).contains("max 0\n");
    // a real refusal is still counted exactly once
    assertThat(f.charging.tryCharge(f.cg("/a"), 0, PAGE)).isNull();
    assertThat(f.state("/a").counter().failcnt()).isEqualTo(1);
    assertThat(f.read("/a", "events")).contains("max 1\n");
    assertThat(counted("/a")).isEqualTo(100 * PAGE);
  }

  @Test
  void anUnchargeOfMoreThanWasChargedIsStillEinval() throws Exception {
    f.mkdir("/a");
    f.mkdir("/a/b");
    f.charging.charge(f.cg("/a"), 0, PAGE);
    assertThat(errno(() -> f.charging.uncharge(f.cg("/a"), 0, 2 * PAGE))).isEqualTo(Errno.EINVAL);
    // stocked below /a, by this thread and another one
    f.charging.charge(f.cg("/a/b"), 0, PAGE);
    onOtherThread(() -> f.charging.charge(f.cg("/a/b"), 0, PAGE));
    assertThat(errno(() -> f.charging.uncharge(f.cg("/a"), 0, 4 * PAGE))).isEqualTo(Errno.EINVAL);
    assertThat(f.charging.usage(f.cg("/a"), 0)).isEqualTo(3 * PAGE);
    f.charging.uncharge(f.cg("/a"), 0, 3 * PAGE); // the counter cannot tell own from children's
    assertThat(f.charging.usage(f.cg("/"), 0)).isZero();
  }

  @Test
  void aHighLimitTurnsBatchingOffSoThatEveryChargeOverItIsSeen() {
    f.mkdir("/a");
    f.mkdir("/b");
    f.charging.charge(f.cg("/b"), 0, PAGE);
    assertThat(counted("/b")).isEqualTo(BATCH);
    f.write("/a", "high", "1M");
    assertThat(counted("/b")).as("stocks drained when high was set").isEqualTo(PAGE);
    f.charging.charge(f.cg("/a"), 0, PAGE);
    assertThat(counted("/a")).isEqualTo(PAGE);
    f.write("/a", "high", "max");
    f.charging.charge(f.cg("/a"), 0, PAGE);
    assertThat(counted("/a")).isEqualTo(PAGE + BATCH);
  }

  @Test
  void loweringMaxDrainsTheStocksBelowFirst() {
    f.mkdir("/a");
    f.charging.charge(f.cg("/a"), 0, PAGE);
    f.file("max").write(f.state("/a"), Long.toString(2 * PAGE), FakeFileHandle.openNonBlocking());
    assertThat(counted("/a")).isEqualTo(PAGE);
    assertThat(f.read("/a", "events")).contains("oom 0\n");
  }

  @Test
  void aDeadThreadsStockIsDrainedAndForgotten() throws Exception {
    f.mkdir("/a");
    onOtherThread(() -> f.charging.charge(f.cg("/a"), 0, PAGE));
    assertThat(f.binding.stocks().registered()).isEqualTo(1);
    assertThat(counted("/a")).isEqualTo(BATCH);
    f.binding.drainStocks(null);
    assertThat(counted("/a")).isEqualTo(PAGE);
    assertThat(f.binding.stocks().registered()).isZero();
  }

  @Test
  void aCgroupHoldingOnlyStockedBytesDrainsAndCheckReleasedSeesRealChargesOnly() {
    f.mkdir("/a");
    f.charging.charge(f.cg("/a"), 0, PAGE);
    f.charging.uncharge(f.cg("/a"), 0, PAGE);
    assertThat(counted("/a")).isEqualTo(BATCH);
    assertThat(f.state("/a").drained()).isTrue();
    f.charging.charge(f.cg("/a"), 0, PAGE);
    assertThat(errno(f.binding::checkReleased)).isEqualTo(Errno.EBUSY);
    f.charging.uncharge(f.cg("/a"), 0, PAGE);
    f.binding.checkReleased();
    f.binding.unbind();
    assertThat(counted("/")).isZero();
    assertThat(errno(() -> f.charging.charge(f.cg("/a"), 0, PAGE))).isEqualTo(Errno.ENODEV);
  }

  @Test
  void aFullDeviceDrainsOtherThreadsStocksBeforeReclaiming() throws Exception {
    Fixture small = Fixture.oneRegion(128 * PAGE);
    small.mkdir("/a");
    small.mkdir("/b");
    onOtherThread(() -> small.charging.charge(small.cg("/a"), 0, PAGE));
    small.charging.charge(small.cg("/b"), 0, 127 * PAGE);
    assertThat(small.lru.requests()).isEmpty();
    assertThat(small.charging.usage(small.cg("/"), 0)).isEqualTo(128 * PAGE);
    assertThat(small.read("/", "events")).contains("max 0\n");
  }
}
