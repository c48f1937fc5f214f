/**
 * The DRM model that GPU drivers build on: drivers with feature bits ({@link
 * io.cgdev.drm.DriverFeature}, {@link io.cgdev.drm.DrmDriver}), devices configured by their driver
 * ({@link io.cgdev.drm.DeviceConfig}, {@link io.cgdev.drm.DrmDevice}), clients ({@link
 * io.cgdev.drm.DrmFile}), GEM objects with prime sharing ({@link io.cgdev.drm.GemObject}, {@link
 * io.cgdev.drm.DmaBuf}), fdinfo usage stats, and the cgroup side: charging through the capabilities
 * of {@code io.cgdev.api.spi} (docs/CHARGING_POLICY.md). Everything a device does is serialised by
 * one re-entrant device lock; calls into the cgroup framework that may take its hierarchy lock
 * (register, unregister, looking up a task's cgroup) are made outside it.
 *
 * <p>{@link io.cgdev.drm.DrmDevice} wires package-private parts named after the kernel's, which know
 * each other only through narrow ports: {@code CgroupLink} (registration with the cgroup framework,
 * the bound capabilities; it is the {@code ChargingPort} and the scheduler's {@code EnginePolicy}),
 * {@code GemPlacement} (TTM placement: charge, allocate, free; the {@code GemRefs} port), {@code
 * GemEvictor} (TTM eviction, the dmem reclaim hook; the {@code EvictionPort}), {@code Residency}
 * (per-region LRU), {@code GemCharge} (what an object holds to return its charge) and {@code
 * Fdinfo} (drm_show_fdinfo). The simulated hardware (allocators, engine scheduler, live mode, clock)
 * lives in {@code io.cgdev.drm.sim}, which depends on nothing here. Each class says in its javadoc
 * which of its methods expect the device lock.
 */
package io.cgdev.drm;
