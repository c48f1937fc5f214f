/**
 * A model of the Linux DRM core that GPU driver plugins build on, in two parts: the driver-facing
 * DRM model ({@code io.cgdev.drm}: drivers with feature bits, devices a driver configures, clients,
 * GEM objects with prime sharing, TTM-like placement and eviction, fdinfo usage stats, charging
 * through the cgroup capabilities) and the simulated hardware under it ({@code io.cgdev.drm.sim}: a
 * buddy allocator in the style of drm_buddy, a drm_sched-like engine scheduler, live mode and the
 * simulated clock), which knows nothing of the model.
 *
 * <p>A device whose driver sets {@link io.cgdev.drm.DriverFeature#DRIVER_CGROUPS} registers with the
 * cgroup framework and charges through the capabilities of {@code io.cgdev.api.spi}; see
 * docs/CHARGING_POLICY.md.
 */
module io.cgdev.drm {
  requires transitive io.cgdev.api;
  requires org.slf4j;

  exports io.cgdev.drm;
  exports io.cgdev.drm.sim;
}
