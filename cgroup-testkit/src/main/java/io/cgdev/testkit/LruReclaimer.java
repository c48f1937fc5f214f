package io.cgdev.testkit;

import io.cgdev.api.Stability;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.MemoryCharging;
import io.cgdev.api.spi.ReclaimRequest;
import io.cgdev.api.spi.Reclaimer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * A fake driver's eviction, for testing a memory controller (or a driver's use of one): buffers held
 * in LRU order, oldest first, in pieces of a fixed size; a {@link #reclaim} request walks them oldest
 * first and evicts those of the requested region, charged in the request's scope, that {@link
 * ReclaimRequest#mayEvict} allows, uncharging each as it goes, until enough is freed.
 *
 * <p>Put it in the {@link io.cgdev.api.spi.DeviceSpec} ({@code .reclaimer(lru)}), then {@link
 * #connect} it to the {@link MemoryCharging} capability of the registration once bound. Thread-safe;
 * {@link #reclaim} holds this object's lock while it uncharges, as a driver holds its LRU lock.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class LruReclaimer implements Reclaimer {
  /** The default piece: 1 MiB. */
  public static final long DEFAULT_PIECE = 1L << 20;

  /**
   * One evictable buffer.
   *
   * @param owner the cgroup it is charged to
   * @param region the region index, as {@link MemoryCharging#region} gives it
   * @param bytes its size
   */
  public record Buffer(CgroupHandle owner, int region, long bytes) {}

  /**
   * One call of {@link #reclaim}, as the controller made it.
   *
   * @param region the region name asked for
   * @param bytes the bytes asked for
   * @param scope the cgroup whose limit was hit
   * @param freed the bytes evicted
   */
  public record Request(String region, long bytes, CgroupHandle scope, long freed) {}

  private final long piece;
  private final List<Buffer> buffers = new ArrayList<>();
  private final List<Request> requests = new ArrayList<>();
  private volatile MemoryCharging charging;

  /** Buffers in pieces of {@link #DEFAULT_PIECE}. */
  public LruReclaimer() {
    this(DEFAULT_PIECE);
  }

  /** Buffers in pieces of {@code piece} bytes (positive). */
  public LruReclaimer(long piece) {
    if (piece <= 0) {
      throw new IllegalArgumentException("piece must be positive: " + piece);
    }
    this.piece = piece;
  }

  /** Uncharges evicted buffers through {@code charging}, the memory capability of the device. */
  public void connect(MemoryCharging charging) {
    this.charging = Objects.requireNonNull(charging, "charging");
  }

  /**
   * Charges {@code bytes} of a region to {@code owner} through the connected capability, then holds
   * them as evictable buffers (newest last).
   *
   * @throws io.cgdev.api.CgroupException what {@link MemoryCharging#charge} throws; nothing is held
   *     then
   */
  public void allocate(CgroupHandle owner, int region, long bytes) {
    charging().charge(owner, region, bytes);
    add(owner, region, bytes);
  }

  /** Holds {@code bytes} already charged to {@code owner} as evictable buffers, newest last. */
  public synchronized void add(CgroupHandle owner, int region, long bytes) {
    for (long left = bytes; left > 0; left -= piece) {
      buffers.add(new Buffer(owner, region, Math.min(piece, left)));
    }
  }

  /**
   * Pins every buffer held so far: they stay charged, but no later request can evict them (the
   * driver holds them in use).
   */
  public synchronized void pinAll() {
    buffers.clear();
  }

  /** The evictable buffers, oldest first; a copy. */
  public synchronized List<Buffer> buffers() {
    return List.copyOf(buffers);
  }

  /** Bytes of a region held evictable for {@code owner}. */
  public synchronized long held(CgroupHandle owner, int region) {
    long sum = 0;
    for (Buffer b : buffers) {
      if (b.owner() == owner && b.region() == region) {
        sum += b.bytes();
      }
    }
    return sum;
  }

  /** Every request made so far, oldest first; a copy. */
  public synchronized List<Request> requests() {
    return List.copyOf(requests);
  }

  @Override
  public synchronized long reclaim(ReclaimRequest request) {
    MemoryCharging c = charging();
    int region = c.region(request.region());
    long freed = 0;
    for (Iterator<Buffer> it = buffers.iterator(); it.hasNext() && freed < request.bytes(); ) {
      Buffer b = it.next();
      if (b.region() == region && b.owner().isDescendantOf(request.scope()) && request.mayEvict(b.owner())) {
        it.remove();
        c.uncharge(b.owner(), region, b.bytes());
        freed += b.bytes();
      }
    }
    requests.add(new Request(request.region(), request.bytes(), request.scope(), freed));
    return freed;
  }

  private MemoryCharging charging() {
    MemoryCharging c = charging;
    if (c == null) {
      throw new IllegalStateException("LruReclaimer is not connected: call connect(registration.capability(MemoryCharging.class).orElseThrow())");
    }
    return c;
  }
}
