/** The i915 example driver. */
@SuppressWarnings("module") // i915 is the driver's name
module io.cgdev.i915 {
  requires io.cgdev.api;
  requires io.cgdev.drm;
  requires org.slf4j;
  requires tools.jackson.databind;
}
