package io.cgdev.sim;

import io.cgdev.drm.DrmDevice;
import io.cgdev.drm.DrmFile;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The DRM streams of {@link Workloads#stepDue}, stepped by events rather than by ticks: of 200
 * streams most are waiting at any step, their backlog at its cap until their client runs, or their
 * memory full until the next churn; stepping each of them every tick cost most of a run for nothing.
 * A stream is advanced at a step when it is due: its {@link BufferStream#quietUntil} time has come
 * (a queue by time), its client ran since its last step ({@link DrmDevice#takeClientsThatRan}), or
 * every stream was woken ({@link #wakeAll}: after a write, and when the step size changes). Due
 * streams are advanced in their list order, which is {@link Workloads#step}'s order, and a stream
 * that was skipped first catches up on the counters the skipped steps would have changed ({@link
 * BufferStream#skipped}); so every device sees the same calls, in the same order, as with {@link
 * Workloads#step}. Simulating thread only.
 */
final class DueStreams {
  /** A stream due at a scenario time; stale once the stream's {@link #queuedAt} moved. */
  private record Wake(long at, int stream) {}

  /** {@link #queuedAt} of a stream with no live queue entry. */
  private static final long NONE = Long.MIN_VALUE;

  private final List<DrmStream> streams;
  private final List<DrmDevice> devices = new ArrayList<>();
  private final Map<DrmFile, Integer> byClient = new IdentityHashMap<>();
  /** The streams due at the next step, a bit per stream (a BitSet re-counted its words at every clear). */
  private final long[] due;
  private final PriorityQueue<Wake> wakes =
      new PriorityQueue<>((a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Integer.compare(a.stream, b.stream));
  /** Per stream: the start of its last step (Long.MIN_VALUE: never stepped). */
  private final long[] lastStep;
  /** Per stream: the size of its last step. */
  private final long[] lastTick;
  /**
   * Per stream: the time of its live entry in {@link #wakes}, or {@link #NONE}. A stream that asks again for
   * the time it is already queued for adds nothing (it asks at every step, mostly for the same next churn:
   * re-adding made the queue a tenth of a run); entries of other times are stale and dropped when polled.
   */
  private final long[] queuedAt;
  private long tick = -1;

  DueStreams(List<DrmStream> streams) {
    this.streams = List.copyOf(streams);
    int n = this.streams.size();
    lastStep = new long[n];
    lastTick = new long[n];
    queuedAt = new long[n];
    due = new long[(n + 63) >>> 6];
    java.util.Arrays.fill(lastStep, Long.MIN_VALUE);
    java.util.Arrays.fill(queuedAt, NONE);
    for (int i = 0; i < n; i++) {
      DrmStream s = this.streams.get(i);
      byClient.put(s.file, i);
      if (!devices.contains(s.dev)) {
        devices.add(s.dev);
      }
    }
    for (DrmDevice d : devices) {
      d.takeClientsThatRan(); // starts the devices' records: from now on every run is seen
    }
    wakeAll();
  }

  /** Every stream is due at the next step. */
  void wakeAll() {
    for (int i = 0; i < streams.size(); i++) {
      setDue(i);
    }
  }

  private void setDue(int i) {
    due[i >>> 6] |= 1L << i;
  }

  /** The first due stream at or after {@code from}, or -1. */
  private int nextDue(int from) {
    int w = from >>> 6;
    if (w >= due.length) {
      return -1;
    }
    long word = due[w] & (-1L << from);
    while (word == 0) {
      if (++w == due.length) {
        return -1;
      }
      word = due[w];
    }
    return (w << 6) + Long.numberOfTrailingZeros(word);
  }

  /** Advances the streams due at {@code now}, for a step of {@code tick}. */
  void step(long now, long tick) {
    if (tick != this.tick) {
      wakeAll(); // a skipped step is caught up with the size of the one before it: the size must not change under it
      this.tick = tick;
    }
    for (DrmDevice d : devices) {
      for (DrmFile f : d.takeClientsThatRan()) {
        Integer i = byClient.get(f);
        if (i != null) {
          setDue(i);
        }
      }
    }
    while (!wakes.isEmpty() && wakes.peek().at <= now) {
      Wake w = wakes.poll();
      if (queuedAt[w.stream] == w.at) {
        queuedAt[w.stream] = NONE;
        setDue(w.stream);
      }
    }
    for (int i = nextDue(0); i >= 0; i = nextDue(i + 1)) {
      DrmStream s = streams.get(i);
      if (lastStep[i] != Long.MIN_VALUE) {
        s.skipped((now - lastStep[i]) / lastTick[i] - 1, lastTick[i]);
      }
      s.advance(now, tick);
      lastStep[i] = now;
      lastTick[i] = tick;
      long at = s.quietUntil(now, tick);
      if (at <= now + tick) {
        continue; // stays due: stepped next time (a live queue entry may wake it once more: a step more is harmless)
      }
      due[i >>> 6] &= ~(1L << i);
      if (at != BufferStream.UNTIL_WOKEN && at != queuedAt[i]) {
        queuedAt[i] = at;
        wakes.add(new Wake(at, i));
      }
    }
  }
}
