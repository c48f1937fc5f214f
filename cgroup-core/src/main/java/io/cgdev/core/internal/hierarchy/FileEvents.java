package io.cgdev.core.internal.hierarchy;

import io.cgdev.api.Subscription;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Change notification of interface files (kernfs's {@code kernfs_notify} and its open nodes): a
 * {@link FileEventSource} for every file that has open handles, which counts the file's notifications
 * and wakes what waits on it, and listeners on the whole tree (the FUSE mount turns those into
 * inotify events). A notification of a file nobody has open reaches only the tree listeners, as in
 * the kernel, where the event counter lives in the open node.
 *
 * <p>Thread-safe and lock-free on the notifying side: {@link #notifyChange} is two reads when nobody
 * watches, and may be called from any thread, under any lock (a driver charging memory counts a
 * {@code memory.events} event under its device lock). Listeners therefore run on the notifying
 * thread and must be quick; one that throws is logged and kept.
 */
public final class FileEvents {
  private static final Logger LOG = LoggerFactory.getLogger(FileEvents.class);

  /**
   * One interface file of one cgroup: a core or host file by full name ({@code slot} null), or a
   * controller's file for one device. Cgroups and slots compare by identity.
   */
  public record Key(Cgroup cgroup, StateSlot<?> slot, String name) {
    public Key {
      Objects.requireNonNull(cgroup, "cgroup");
      Objects.requireNonNull(name, "name");
    }
  }

  /**
   * An open handle that must hear when its file goes away while it is open (a cgroup removed, a device
   * unregistered, a controller disabled), as kernfs releases the open files of a node it removes
   * ({@code kernfs_drain_open_files}): a pressure file's trigger must not outlive its file.
   */
  public interface Drainable {
    /** Whether the handle's file is gone; lock-free. */
    boolean vanished();

    /** Releases what the handle set up on its file; called once, without the hierarchy lock. */
    void drain();
  }

  private final ConcurrentHashMap<Key, FileEventSource> open = new ConcurrentHashMap<>();
  private final Set<Drainable> drainables = ConcurrentHashMap.newKeySet();
  private final CopyOnWriteArrayList<Consumer<Key>> treeListeners = new CopyOnWriteArrayList<>();

  /** The source of a file about to be opened; counts the opener until {@link #release}. */
  public FileEventSource acquire(Key key) {
    return open.compute(key, (k, s) -> {
      FileEventSource src = s == null ? new FileEventSource(k) : s;
      src.opened();
      return src;
    });
  }

  /** An opener of {@code source} closed; the source goes when its last opener does. */
  public void release(FileEventSource source) {
    open.computeIfPresent(source.key(), (k, s) -> s == source && s.closed() ? null : s);
  }

  /**
   * Tells the watchers of {@code key} that its content changed: the tree listeners first, then the
   * file's handles, so that a mount that must do work to raise an inotify event has it queued before
   * a poller can wake and react. Any thread; never blocks.
   */
  public void notifyChange(Key key) {
    if (treeListeners.isEmpty() && open.isEmpty()) {
      return;
    }
    for (Consumer<Key> l : treeListeners) {
      try {
        l.accept(key);
      } catch (RuntimeException e) {
        LOG.warn("file change listener {} failed for {}", l, key, e);
      }
    }
    FileEventSource s = open.get(key);
    if (s != null) {
      s.fire();
    }
  }

  /**
   * {@link #notifyChange(Key)} of the file {@code name} of {@code cgroup} ({@code slot} null: a core
   * or host file), with the key made only when someone watches: a controller counts events on hot
   * paths (every refused charge counts {@code max} and {@code oom} in {@code memory.events}) where
   * usually nobody watches.
   */
  public void notifyChange(Cgroup cgroup, StateSlot<?> slot, String name) {
    if (treeListeners.isEmpty() && open.isEmpty()) {
      return;
    }
    notifyChange(new Key(cgroup, slot, name));
  }

  /** Calls {@code listener} for every file notified from now on, until the result is closed. */
  public Subscription onAny(Consumer<Key> listener) {
    Objects.requireNonNull(listener, "listener");
    treeListeners.add(listener);
    return () -> treeListeners.remove(listener);
  }

  /** Keeps {@code handle} until {@link #untrack}, to {@link #drainVanished drain} it if its file goes away. */
  public void track(Drainable handle) {
    drainables.add(handle);
  }

  /** Forgets {@code handle} (it closed). */
  public void untrack(Drainable handle) {
    drainables.remove(handle);
  }

  /**
   * Drains every tracked handle whose file went away, and forgets it. The hierarchy calls this after
   * each operation under its lock, once the lock is released (a drain runs plugin code); one set
   * lookup when no handle is tracked.
   */
  public void drainVanished() {
    if (drainables.isEmpty()) {
      return;
    }
    for (Drainable d : drainables) {
      if (d.vanished() && drainables.remove(d)) {
        try {
          d.drain();
        } catch (RuntimeException e) {
          LOG.warn("draining {} failed", d, e);
        }
      }
    }
  }

  /** How many handles are tracked (tests: a closed or drained handle is forgotten). */
  int tracked() {
    return drainables.size();
  }

  /** How many files have a source now (tests: sources go with their last opener). */
  int openSources() {
    return open.size();
  }
}
