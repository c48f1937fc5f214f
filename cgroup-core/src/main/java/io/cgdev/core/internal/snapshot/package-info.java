/** Taking the {@link io.cgdev.core.snapshot.Snapshot} of a hierarchy: cgroups, tasks, devices and file contents. */
package io.cgdev.core.internal.snapshot;
