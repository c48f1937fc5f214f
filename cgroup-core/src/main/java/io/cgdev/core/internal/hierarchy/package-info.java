/**
 * The cgroup tree and everything that changes it under the hierarchy lock.
 *
 * <p>{@link io.cgdev.core.internal.hierarchy.Hierarchy} owns the lock, the tree and the events, is
 * the door to every change, and orchestrates the classes that do the work without holding a
 * reference back to it: {@link io.cgdev.core.internal.hierarchy.DeviceRegistry} (device
 * registration and per-cgroup states), {@link io.cgdev.core.internal.hierarchy.TaskMembership}
 * (tasks and migration), {@link io.cgdev.core.internal.hierarchy.SubtreeControl} ({@code
 * cgroup.subtree_control}) and {@link io.cgdev.core.internal.hierarchy.DyingCgroups} (removed
 * cgroups still holding charges); each is handed the tree and returns what changed. {@link
 * io.cgdev.core.internal.hierarchy.Cgroup} is one cgroup, {@link
 * io.cgdev.core.internal.hierarchy.Registration} one registered device with one {@link
 * io.cgdev.core.internal.hierarchy.StateSlot} per controller governing it, {@link
 * io.cgdev.core.internal.hierarchy.ControllerTable} the controllers, {@link
 * io.cgdev.core.internal.hierarchy.CoreFiles} the {@code cgroup.*} files.
 *
 * <p>Writers take {@link io.cgdev.core.internal.hierarchy.Hierarchy#locked}; readers take no lock
 * and see volatile fields and immutable or concurrent snapshots.
 */
package io.cgdev.core.internal.hierarchy;
