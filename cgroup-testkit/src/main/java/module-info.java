/**
 * The cgdev test kit: the core's hierarchy for a plugin's unit tests, so that a {@link
 * io.cgdev.api.spi.Controller} and its {@link io.cgdev.api.spi.DeviceBinding} are driven exactly as
 * the core drives them, without the file view, discovery or a driver.
 *
 * <p>{@link io.cgdev.testkit.TestCgroups} is the tree (mkdir, rmdir, devices, tasks, the hierarchy
 * lock), {@link io.cgdev.testkit.TestBinding} one controller bound to one device with its files.
 * Beside them: a {@link io.cgdev.testkit.FakeClock}, {@link io.cgdev.testkit.FakeFileHandle open
 * handles}, an evicting driver ({@link io.cgdev.testkit.LruReclaimer}) and {@link
 * io.cgdev.testkit.Errnos}. Declare it as a test-scoped dependency.
 */
module io.cgdev.testkit {
  requires transitive io.cgdev.api;
  requires io.cgdev.core;

  exports io.cgdev.testkit;
}
