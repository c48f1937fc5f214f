/**
 * The memory controller for devices, by feature: the controller's file table ({@link
 * io.cgdev.controller.memory.MemoryController}, {@code MemoryFiles}), the binding that serves {@link
 * io.cgdev.api.spi.MemoryCharging} ({@code MemoryBinding}), the per-cgroup state ({@code
 * MemoryState}), the lock-free hierarchical counter ({@code PageCounter}), effective protection
 * ({@code Protection}) and the reclaim passes ({@code ReclaimPass}). Nothing here is exported.
 */
package io.cgdev.controller.memory;
