package io.cgdev.drm;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.Stability;
import io.cgdev.api.Task;
import io.cgdev.drm.sim.SchedEntity;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * A DRM client (the kernel's {@code drm_file}): opened by a task with {@link DrmDevice#open}. Every
 * charge it makes goes to its task's cgroup at the time of the charge (docs/CHARGING_POLICY.md).
 * Handles are per file and start at 1. Thread-safe; every method but {@link #runtime} and {@link
 * #runtimeReader} takes the device lock, which also guards the handles and the scheduler's {@link
 * SchedEntity} of the file (those two read a counter that only grows, without the lock). A file and its device
 * depend on each other (the device opens files, a file asks its device to create, run and report),
 * and on nothing else that depends on them.
 *
 * <p>After {@link #close()} or an unplug of the device, calls fail with {@code EBADF} / {@code
 * ENODEV}.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class DrmFile implements AutoCloseable {
  private final DrmDevice device;
  private final long clientId;
  private final Task task;
  // guarded by the device lock
  final TreeMap<Integer, GemObject> handles = new TreeMap<>();
  private int nextHandle = 1;
  boolean open = true;
  /** The client's queues and time on the engines, kept by the device's scheduler. */
  final SchedEntity entity;

  DrmFile(DrmDevice device, Task task, SchedEntity entity) {
    this.device = device;
    this.clientId = entity.clientId();
    this.task = task;
    this.entity = entity;
  }

  /** The device this client opened. */
  public DrmDevice device() {
    return device;
  }

  /** A device-unique client id (fdinfo's {@code drm-client-id}). */
  public long clientId() {
    return clientId;
  }

  /** The task that opened the file. */
  public Task task() {
    return task;
  }

  /**
   * Creates a GEM object and returns its handle. The size is rounded up to the page size; the
   * object goes to the first region of the placement list (the device's default placement when
   * none is given) where the charge and the allocation succeed, evicting idle local objects on the
   * way if needed.
   *
   * @throws CgroupException {@code EINVAL} for a size below 1 or an unknown region, {@code ENOSPC}
   *     when no placement has room even after eviction (nothing changed), {@code ESRCH} if the task
   *     exited, {@code EBADF} after close, {@code ENODEV} after unplug
   */
  public int createGem(long size, String... placements) {
    return device.createGem(this, size, placements);
  }

  /**
   * Moves an idle object to another region of its placement list (i915's object migration, TTM's
   * validate): to the system region it is evicted (its charge moves to the swap of the device memory
   * it leaves, which {@code memory.swap.max} may refuse); back to device memory it is charged again
   * (reclaiming if needed) and its swap returned.
   *
   * @throws CgroupException {@code EINVAL} for an unknown region or one outside the object's placement
   *     list, {@code ENOENT} for an unknown handle, {@code EBUSY} for a pinned or active object, {@code
   *     ENOSPC} when the region has no room or a limit refuses (nothing changed then)
   */
  public void migrate(int handle, String region) {
    device.migrateGem(this, handle, region);
  }

  /**
   * The object behind a handle.
   *
   * @throws CgroupException {@code ENOENT} for an unknown handle
   */
  public GemObject object(int handle) {
    synchronized (device.lock) {
      checkOpen();
      GemObject o = handles.get(handle);
      if (o == null) {
        throw CgroupException.of(Errno.ENOENT, "%s: client %d has no GEM handle %d", device.name(), clientId, handle);
      }
      return o;
    }
  }

  /** The handles open now, ascending. */
  public List<Integer> handles() {
    synchronized (device.lock) {
      return List.copyOf(handles.keySet());
    }
  }

  /**
   * Closes a handle; the object is freed (and uncharged) when its last reference goes.
   *
   * @throws CgroupException {@code EINVAL} for an unknown handle, as the kernel's GEM_CLOSE does
   */
  public void closeHandle(int handle) {
    synchronized (device.lock) {
      checkOpen();
      GemObject o = handles.remove(handle);
      if (o == null) {
        throw CgroupException.of(Errno.EINVAL, "%s: client %d has no GEM handle %d", device.name(), clientId, handle);
      }
      o.handleCount--;
      device.unref(o);
    }
  }

  /**
   * Exports a handle as a dma-buf (prime). The buffer stays charged to its creator.
   *
   * @throws CgroupException {@code ENOENT} for an unknown handle
   */
  public DmaBuf exportPrime(int handle) {
    synchronized (device.lock) {
      GemObject o = object(handle);
      o.refcount++;
      o.dmaBufs++;
      return new DmaBuf(o, device.refs());
    }
  }

  /**
   * Imports a dma-buf: returns this client's handle to the same object (the existing one if it has
   * one already). Nothing is charged: the object stays charged to its creator.
   *
   * @throws CgroupException {@code EBADF} for a closed dma-buf, {@code EXDEV} for a buffer of
   *     another device
   */
  public int importPrime(DmaBuf buf) {
    synchronized (device.lock) {
      checkOpen();
      if (buf.object().lock != device.lock) {
        throw CgroupException.of(Errno.EXDEV, "%s: cannot import %s of device %s", device.name(), buf, buf.object().device());
      }
      if (!buf.isOpen()) {
        throw CgroupException.of(Errno.EBADF, "%s: %s is closed", device.name(), buf);
      }
      GemObject o = buf.object();
      for (Map.Entry<Integer, GemObject> e : handles.entrySet()) {
        if (e.getValue() == o) {
          return e.getKey();
        }
      }
      return addHandle(o);
    }
  }

  /** Under the device lock, when the file closes: drops every handle. */
  void closeHandles() {
    for (GemObject o : List.copyOf(handles.values())) {
      o.handleCount--;
      device.unref(o);
    }
    handles.clear();
  }

  int addHandle(GemObject o) {
    int h = nextHandle++;
    handles.put(h, o);
    o.refcount++;
    o.handleCount++;
    return h;
  }

  /** Nanoseconds this client ran on engines of a class (0 for an unknown class). */
  public long runtime(String engineClass) {
    return device.runtime(this, engineClass);
  }

  /**
   * What {@link #runtime} returns for {@code engineClass}, the class looked up once: for a caller that
   * reads it at every step (a simulated workload's backlog). Thread-safe without the device lock; keeps
   * reading the client's final figure after it closed.
   *
   * @throws CgroupException {@code EINVAL} for a class the device has no engine of
   */
  public LongSupplier runtimeReader(String engineClass) {
    return device.runtimeReader(this, engineClass);
  }

  /** Nanoseconds this client ran on one engine, e.g. {@code ccs1} (0 for an unknown engine). */
  public long runtimeOn(String engine) {
    return device.runtimeOn(this, engine);
  }

  /**
   * The client's usage stats in the DRM fdinfo format ({@code Documentation/gpu/drm-usage-stats.rst}):
   * {@code drm-driver}, {@code drm-client-id}, {@code drm-pdev}, {@code drm-engine-<class>} in ns,
   * {@code drm-engine-capacity-<class>}, and per region {@code drm-total-}, {@code drm-shared-},
   * {@code drm-resident-}, {@code drm-active-}, one {@code key:\tvalue} a line.
   */
  public String fdinfo() {
    return device.fdinfo(this);
  }

  /** Whether its task is frozen: its batches wait and it gets no device time until thawed. */
  public boolean frozen() {
    return device.frozen(this);
  }

  /** Whether the file is open (false after {@link #close}, an unplug, or its task being killed). */
  public boolean isOpen() {
    synchronized (device.lock) {
      return open;
    }
  }

  /** Closes every handle, cancels queued batches and leaves the scheduler; idempotent. */
  @Override
  public void close() {
    device.closeFile(this);
  }

  void checkOpen() {
    if (!open) {
      throw CgroupException.of(device.unplugged() ? Errno.ENODEV : Errno.EBADF,
          "%s: client %d is closed", device.name(), clientId);
    }
  }

  @Override
  public String toString() {
    return "drm-client-" + clientId + "(" + task.name() + ")";
  }
}
