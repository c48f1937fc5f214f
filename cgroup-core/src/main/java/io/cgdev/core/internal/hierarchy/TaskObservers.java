package io.cgdev.core.internal.hierarchy;

import io.cgdev.api.Subscription;
import io.cgdev.api.spi.TaskObserver;
import io.cgdev.core.internal.guard.Plugin;
import io.cgdev.core.internal.guard.PluginGuard;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The drivers' {@link TaskObserver}s, and what they were told: a task is frozen for its drivers while
 * its main thread's cgroup is frozen. {@link #sync} compares that with what they heard last and tells
 * them of the difference; {@link #killed} tells them of a kill. Called under the hierarchy lock, on
 * the writing thread; each observer call is a hook on the {@link PluginGuard}, so a driver that throws
 * cannot leave the hierarchy half changed.
 */
final class TaskObservers {
  private final CopyOnWriteArrayList<TaskObserver> observers = new CopyOnWriteArrayList<>();
  private final PluginGuard guard;

  TaskObservers(PluginGuard guard) {
    this.guard = guard;
  }

  Subscription add(TaskObserver observer) {
    Objects.requireNonNull(observer, "observer");
    observers.add(observer);
    return () -> observers.remove(observer);
  }

  /** Tells the drivers if {@code task} froze or thawed since they last heard of it. Under the lock. */
  void sync(ModelTask task) {
    boolean frozen = task.alive() && task.cgroupHandle().frozen();
    if (frozen == task.frozenForDrivers()) {
      return;
    }
    task.frozenForDrivers(frozen);
    for (TaskObserver o : observers) {
      if (frozen) {
        guard.hook(Plugin.ofObject(o), "TaskObserver.frozen", () -> o.frozen(task));
      } else {
        guard.hook(Plugin.ofObject(o), "TaskObserver.thawed", () -> o.thawed(task));
      }
    }
  }

  /** Tells the drivers that {@code task} was killed (it has exited). Under the lock. */
  void killed(ModelTask task) {
    task.frozenForDrivers(false);
    for (TaskObserver o : observers) {
      guard.hook(Plugin.ofObject(o), "TaskObserver.killed", () -> o.killed(task));
    }
  }
}
