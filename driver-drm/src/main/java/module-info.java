/**
 * A model of the Linux DRM core that GPU driver plugins build on: drivers with feature bits
 * ({@link io.cgdev.drm.DriverFeature}), devices ({@link io.cgdev.drm.DrmDevice}), clients ({@link
 * io.cgdev.drm.DrmFile}), GEM objects with prime sharing, a buddy allocator in the style of
 * drm_buddy, TTM-like eviction, a drm_sched-like engine scheduler and fdinfo usage stats.
 *
 * <p>A device whose driver sets {@link io.cgdev.drm.DriverFeature#DRIVER_CGROUPS} registers with the
 * cgroup framework and charges through the capabilities of {@code io.cgdev.api.spi}; see
 * docs/CHARGING_POLICY.md.
 */
module io.cgdev.drm {
  requires transitive io.cgdev.api;
  requires org.slf4j;

  exports io.cgdev.drm;
}
