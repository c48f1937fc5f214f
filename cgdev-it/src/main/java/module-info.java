/**
 * cgdev's integration tests (in {@code src/test/java}, package {@code io.cgdev.it}). The module has no
 * classes of its own: it reads the stack the tests drive, so that surefire runs them on the module
 * path, where the core's discovery finds the controllers and the i915 driver as {@code cgdev} does.
 */
module io.cgdev.it {
  requires io.cgdev.api;
  requires io.cgdev.core;
  requires io.cgdev.i915;
}
