/**
 * The i915 example driver: a modelled Intel GPU described by a small JSON descriptor, with system
 * memory, local memory per tile (buddy allocated, evicted to system memory under pressure) and the
 * engines rcs0, bcs0, vcs0, vcs1, vecs0 and ccs0..ccs3. Built on the DRM core model.
 *
 * @provides io.cgdev.api.spi.DriverProvider the {@code i915} driver
 */
@SuppressWarnings("module") // i915 is the driver's name
module io.cgdev.i915 {
  requires io.cgdev.api;
  requires transitive io.cgdev.drm; // its public types return DRM types
  requires org.slf4j;
  requires tools.jackson.databind;

  exports io.cgdev.i915;

  provides io.cgdev.api.spi.DriverProvider with io.cgdev.i915.I915Driver;
}
