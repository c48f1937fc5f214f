/**
 * The simulated hardware under the DRM model: region allocators ({@link
 * io.cgdev.drm.sim.BuddyAllocator} in the style of drm_buddy, {@link
 * io.cgdev.drm.sim.CountingAllocator} for system memory), the engine scheduler ({@link
 * io.cgdev.drm.sim.EngineScheduler}, drm_sched with 1 ms slices), live mode ({@link
 * io.cgdev.drm.sim.LiveRunner}) and the simulated clock ({@link io.cgdev.drm.sim.SimClock}).
 *
 * <p>This package knows nothing of the DRM model ({@code io.cgdev.drm}): no device, client or GEM
 * object. The model reaches it through its public types and answers it through one port, {@link
 * io.cgdev.drm.sim.EnginePolicy} (who picks and where a cgroup may run); a batch's completion is a
 * {@link java.lang.Runnable} the model hands in. Everything here runs under the device lock the
 * model passes in; each class says which of its methods expect it.
 */
package io.cgdev.drm.sim;
