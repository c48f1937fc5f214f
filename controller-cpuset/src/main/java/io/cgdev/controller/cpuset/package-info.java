/**
 * The cpuset controller: per-device configuration ({@link io.cgdev.controller.cpuset.CpusetConfig}),
 * the from-scratch computation of effective engine and region masks with partitions ({@link
 * io.cgdev.controller.cpuset.MaskPropagation}), their lock-free publication as one immutable snapshot
 * per device ({@link io.cgdev.controller.cpuset.CpusetBinding}), and the interface files ({@link
 * io.cgdev.controller.cpuset.CpusetFiles}). Nothing here is exported; the module only provides
 * {@link io.cgdev.controller.cpuset.CpusetController}.
 */
package io.cgdev.controller.cpuset;
