/**
 * The Alibaba GPU trace v2023 as values: nodes with their GPU type ({@link io.cgdev.fleet.trace.GpuModel},
 * the device memory of each type), pods with their GPU share, QoS and lifetime, and the reader of its
 * CSV files ({@link io.cgdev.fleet.trace.TraceReader}), which also serves the copy built into the module.
 */
package io.cgdev.fleet.trace;
