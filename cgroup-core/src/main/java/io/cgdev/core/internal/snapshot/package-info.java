/** The JSON snapshot of a hierarchy (Jackson 3): cgroups, tasks, devices and file contents. */
package io.cgdev.core.internal.snapshot;
