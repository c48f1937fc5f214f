/**
 * How a tree becomes metrics: {@link io.cgdev.metrics.internal.TreeScan} walks the file view,
 * {@link io.cgdev.metrics.internal.FileValues} reads the kernel's file shapes, {@link
 * io.cgdev.metrics.internal.TreeCollector} turns one scan into the Prometheus client's snapshots.
 */
package io.cgdev.metrics.internal;
