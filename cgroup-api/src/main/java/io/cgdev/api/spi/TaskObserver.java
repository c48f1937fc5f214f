package io.cgdev.api.spi;

import io.cgdev.api.Stability;
import io.cgdev.api.Task;

/**
 * What a driver hears about the tasks whose device work it runs, when {@code cgroup.freeze} and
 * {@code cgroup.kill} act on them (the kernel's freezer stops a task's threads; a killed task's files
 * are closed as it exits). Registered with {@link DriverContext#observeTasks}.
 *
 * <p>Called by the core on the thread that wrote the file, while it holds the hierarchy lock, once
 * per task and transition, before the write returns: a task is frozen (and {@code frozen 1} shows in
 * {@code cgroup.events}) when {@link #frozen} has returned, so the driver must have stopped the
 * task's device work by then. The driver may take its own locks (the order is the hierarchy lock,
 * then a driver's lock, as for its {@link Reclaimer}) and may charge and uncharge, but must not block
 * on work that waits for the hierarchy lock, must not write files and must not throw (a throw is
 * logged and ignored). Device work follows a task's main thread ({@link Task#cgroup()}).
 */
@Stability(value = Stability.Status.EXPERIMENTAL, since = "0.2")
public interface TaskObserver {
  /**
   * The task froze (its cgroup or an ancestor set {@code cgroup.freeze}, or it moved into a frozen
   * cgroup): stop its device work at once — pick none of its clients, let its queued work wait,
   * account no more device time to it — and keep its memory charged (it stays evictable as any idle
   * memory is).
   */
  default void frozen(Task task) {}

  /** The task thawed: its device work may run again. */
  default void thawed(Task task) {}

  /**
   * The task was killed ({@code cgroup.kill}) and has exited: release what it holds on the device as
   * the kernel releases a killed process's files — close its clients (queued work is dropped) and
   * drop its buffers, uncharging them (buffers another task still holds stay charged to it as
   * before). {@link Task#alive()} is already false.
   */
  default void killed(Task task) {}
}
