/**
 * The cpu controller: its file table ({@link io.cgdev.controller.cpu.CpuController}), the weight and
 * nice codec, the per-device binding that implements {@link io.cgdev.api.spi.TimeSharing} with a
 * hierarchical weighted fair queue per engine, and CFS-style bandwidth pools. Not exported.
 */
package io.cgdev.controller.cpu;
