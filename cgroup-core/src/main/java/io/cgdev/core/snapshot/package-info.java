/**
 * The snapshot of a hierarchy as a value ({@link io.cgdev.core.snapshot.Snapshot}): records only,
 * no format; a caller renders it (the {@code cgdev snapshot} command renders JSON).
 */
package io.cgdev.core.snapshot;
