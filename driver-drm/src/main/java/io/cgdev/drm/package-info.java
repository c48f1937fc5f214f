/**
 * The DRM core model: devices, clients, GEM objects, memory regions and their allocators, engine
 * scheduling and client usage stats. Everything a device does is serialised by one re-entrant
 * device lock; calls into the cgroup framework that may take its hierarchy lock (register,
 * unregister, looking up a task's cgroup) are made outside it.
 *
 * <p>{@link io.cgdev.drm.DrmDevice} is a facade over package-private parts named after the
 * kernel's: {@code CgroupBinding} (registration with the cgroup framework, bound capabilities,
 * {@code RegionCharge}), {@code GemPlacement} (TTM placement: charge, allocate, free), {@code
 * GemEvictor} (TTM eviction, the dmem reclaim hook), {@code EngineScheduler} with {@code Engine},
 * {@code SchedEntity} and {@code Batch} (drm_sched), {@code LiveRunner} (real-time mode) and {@code
 * Fdinfo} (drm_show_fdinfo). Each says in its javadoc which of its methods expect the device lock.
 */
package io.cgdev.drm;
