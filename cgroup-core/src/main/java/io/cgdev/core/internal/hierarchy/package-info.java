/**
 * The cgroup tree and everything that changes it under the hierarchy lock: cgroups and their ids,
 * controllers with their dense indices, device registrations and their per-cgroup states, the
 * modelled tasks and their migration, and the core interface files ({@code cgroup.*}).
 *
 * <p>Writers take {@link io.cgdev.core.internal.hierarchy.Hierarchy#locked}; readers take no lock
 * and see volatile fields and immutable or concurrent snapshots.
 */
package io.cgdev.core.internal.hierarchy;
