package io.cgdev.controller.memory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Per-thread charge stocks of one binding, in the spirit of memcg's per-cpu stock
 * (mm/memcontrol.c {@code consume_stock}, {@code refill_stock}, {@code drain_all_stock}): a thread
 * that charges a few pages to a cgroup charges a whole batch through the hierarchy, keeps what it did
 * not need in a slot of its stock, and serves its next small charges to that cgroup from the slot
 * without touching the shared ancestors; its small uncharges go back into the slot up to the batch
 * size.
 *
 * <p>Stocked bytes are charged: they are counted in usage at every level, so a stock can never let
 * usage pass a max. The price is that a counter's usage (and so its watermark) may include up to
 * {@link #SLOTS} batches per thread of bytes nobody uses; {@link #drain} returns them, and the
 * binding drains before it reports a limit hit, lowers a max, or reads exact usage.
 *
 * <p>Each thread owns one {@link Stock} per binding (a {@code ThreadLocal}); only the owner adds to a
 * slot, every thread may drain one (atomically taking its bytes to zero). Stocks sit in a registry so
 * that other threads find them; a stock whose thread is gone (the thread is only weakly referenced)
 * is drained and dropped at the next drain or registration, so dead threads leak neither bytes nor
 * memory. A slot holds only its counter (no binding, no state), so a stock left in a thread's map
 * after the binding went away keeps no binding alive.
 */
final class ChargeStocks {
  /** Cgroups (counter levels) one thread keeps stock for at once, per binding. */
  static final int SLOTS = 4;

  /** Pages of the region's page size charged at once (the kernel's MEMCG_CHARGE_BATCH). */
  static final int BATCH_PAGES = 64;

  private final long batch;
  private final ThreadLocal<Stock> local = new ThreadLocal<>();
  private final ConcurrentLinkedQueue<Stock> registry = new ConcurrentLinkedQueue<>();
  private final AtomicInteger registered = new AtomicInteger();

  /** @param pageSize the page size of the binding's region */
  ChargeStocks(long pageSize) {
    batch = Math.multiplyExact(Math.max(1, pageSize), (long) BATCH_PAGES);
  }

  /** Threads with a stock here (dead ones until the next drain). */
  int registered() {
    return registered.get();
  }

  /** The batch: charges up to it go through the stock, larger ones bypass it. */
  long batch() {
    return batch;
  }

  /**
   * Serves a charge from this thread's stock for {@code counter}.
   *
   * @return true if served (nothing else to do), false if the stock holds too little
   */
  boolean consume(PageCounter counter, long bytes) {
    Stock st = local.get();
    if (st == null) {
      return false;
    }
    Slot s = st.find(counter);
    if (s == null || !s.take(bytes)) {
      return false;
    }
    s.lent += bytes;
    return true;
  }

  /**
   * Keeps {@code stock} bytes, just charged through the hierarchy, in this thread's slot for {@code
   * counter}, and records {@code lent} bytes as handed to the caller. A slot for another counter may
   * be drained to make room.
   */
  void refill(PageCounter counter, long stock, long lent) {
    Stock st = local.get();
    if (st == null) {
      st = register();
    }
    Slot s = st.find(counter);
    if (s == null) {
      s = st.replace(counter);
    }
    s.add(stock);
    s.lent += lent;
  }

  /**
   * Takes an uncharge into this thread's slot for {@code counter}: only bytes this thread took from
   * that slot and has not returned yet (so a driver's uncharge of more than it charged still reaches
   * the counter and its check), and only up to the batch size.
   *
   * @return true if the bytes stay stocked; false if the caller must uncharge them at the counters
   */
  boolean refund(PageCounter counter, long bytes) {
    Stock st = local.get();
    if (st == null) {
      return false;
    }
    Slot s = st.find(counter);
    if (s == null) {
      return false;
    }
    if (bytes <= s.lent && s.put(bytes, batch)) {
      s.lent -= bytes;
      return true;
    }
    s.lent = Math.max(0, s.lent - bytes);
    return false;
  }

  /**
   * Bytes stocked (by any thread) for {@code counter} or a level below it; a racy sum, exact when
   * no stock changes meanwhile. 0 at once when no thread could stock that much above {@code floor}.
   */
  long stockedIn(PageCounter counter, long floor) {
    if (floor >= (long) registered.get() * SLOTS * batch) {
      return 0;
    }
    long sum = 0;
    for (Stock st : registry) {
      for (int i = 0; i < SLOTS; i++) {
        Slot s = st.slots.get(i);
        if (s != null && s.bytes() > 0 && isAtOrBelow(s.counter, counter)) {
          sum += s.bytes();
        }
      }
    }
    return sum;
  }

  /**
   * Returns to the counters every stocked byte at or below {@code scope} ({@code null}: everywhere),
   * from every thread's stock, and drops the stocks of threads that are gone.
   *
   * @return bytes returned
   */
  long drain(PageCounter scope) {
    return drain(scope, false);
  }

  private long drain(PageCounter scope, boolean deadOnly) {
    long drained = 0;
    for (Iterator<Stock> it = registry.iterator(); it.hasNext(); ) {
      Stock st = it.next();
      boolean gone = st.gone();
      for (int i = 0; i < SLOTS; i++) {
        Slot s = st.slots.get(i);
        if (s != null && (gone || (!deadOnly && (scope == null || isAtOrBelow(s.counter, scope))))) {
          drained += s.drain();
        }
      }
      if (gone && registry.remove(st)) {
        registered.decrementAndGet();
      }
    }
    return drained;
  }

  /** Drains everything and forgets every stock (the binding is going away). */
  void close() {
    drain(null);
    for (Stock st : registry) {
      for (int i = 0; i < SLOTS; i++) {
        Slot s = st.slots.getAndSet(i, null);
        if (s != null) {
          s.drain();
        }
      }
    }
    registry.clear();
    registered.set(0);
  }

  private Stock register() {
    drain(null, true); // drops the stocks of dead threads, so that a pool's churn cannot pile them up
    Stock st = new Stock(Thread.currentThread());
    registry.add(st);
    registered.incrementAndGet();
    local.set(st);
    return st;
  }

  private static boolean isAtOrBelow(PageCounter c, PageCounter scope) {
    for (PageCounter p = c; p != null; p = p.parent()) {
      if (p == scope) {
        return true;
      }
    }
    return false;
  }

  /** One thread's stock: a few slots, each for one counter (one cgroup). */
  static final class Stock {
    private final WeakReference<Thread> owner;
    // written by the owner (volatile, rare: when it switches cgroups), read by drainers
    private final AtomicReferenceArray<Slot> slots = new AtomicReferenceArray<>(SLOTS);
    private int next;

    Stock(Thread owner) {
      this.owner = new WeakReference<>(owner);
    }

    boolean gone() {
      Thread t = owner.get();
      return t == null || !t.isAlive();
    }

    Slot find(PageCounter counter) {
      for (int i = 0; i < SLOTS; i++) {
        Slot s = slots.getPlain(i);
        if (s != null && s.counter == counter) {
          return s;
        }
      }
      return null;
    }

    /** A fresh slot for {@code counter} in place of an empty or the oldest one (drained first). */
    Slot replace(PageCounter counter) {
      int victim = -1;
      for (int i = 0; i < SLOTS && victim < 0; i++) {
        Slot s = slots.getPlain(i);
        if (s == null || (s.bytes() == 0 && s.lent == 0)) {
          victim = i;
        }
      }
      if (victim < 0) {
        victim = next;
        next = (next + 1) % SLOTS;
      }
      Slot old = slots.getPlain(victim);
      Slot fresh = new Slot(counter);
      slots.set(victim, fresh);
      if (old != null) {
        old.drain();
      }
      return fresh;
    }
  }

  /**
   * Bytes stocked for one counter. Only the owner thread adds; anyone may take them all ({@link
   * #drain}). {@code lent}, the bytes the owner served from here and has not got back, is the
   * owner's alone.
   */
  static final class Slot {
    private static final VarHandle BYTES;

    static {
      try {
        BYTES = MethodHandles.lookup().findVarHandle(Slot.class, "bytes", long.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    final PageCounter counter;
    private volatile long bytes;
    long lent;

    Slot(PageCounter counter) {
      this.counter = counter;
    }

    long bytes() {
      return bytes;
    }

    boolean take(long n) {
      long b;
      do {
        b = bytes;
        if (b < n) {
          return false;
        }
      } while (!BYTES.weakCompareAndSet(this, b, b - n));
      return true;
    }

    boolean put(long n, long limit) {
      long b;
      do {
        b = bytes;
        if (b + n > limit) {
          return false;
        }
      } while (!BYTES.weakCompareAndSet(this, b, b + n));
      return true;
    }

    void add(long n) {
      BYTES.getAndAdd(this, n);
    }

    /** Takes every byte out and uncharges it; returns how many. */
    long drain() {
      long b = (long) BYTES.getAndSet(this, 0L);
      if (b > 0 && !counter.uncharge(b)) {
        // only a driver's over-uncharge that slipped into a stock can get here (see refund): give
        // back what the counter still has, never drive it below zero
        long u = Math.min(b, counter.usage());
        if (u > 0) {
          counter.uncharge(u);
        }
      }
      return b;
    }
  }
}
