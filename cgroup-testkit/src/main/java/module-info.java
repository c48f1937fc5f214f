/**
 * The cgdev test kit: fakes of what the core gives a plugin, so that a {@link
 * io.cgdev.api.spi.Controller} and its {@link io.cgdev.api.spi.DeviceBinding} can be unit-tested
 * without booting the core.
 *
 * <p>{@link io.cgdev.testkit.FakeCgroups} is the hierarchy: a tree of {@link
 * io.cgdev.testkit.FakeCgroup} handles with mkdir and rmdir, bound devices ({@link
 * io.cgdev.testkit.FakeRegistration}) whose states it creates, onlines, offlines and frees in the
 * core's order, interface file access, and task migration through the attach hooks. Beside it: a
 * {@link io.cgdev.testkit.FakeClock}, {@link io.cgdev.testkit.FakeFileHandle open handles}, {@link
 * io.cgdev.testkit.FakeTask tasks}, an evicting driver ({@link io.cgdev.testkit.LruReclaimer}) and
 * {@link io.cgdev.testkit.Errnos}.
 *
 * <p>Depends on cgroup-api alone; scenario tests that need the real file view use cgroup-core
 * instead. Declare it as a test-scoped dependency.
 */
module io.cgdev.testkit {
  requires transitive io.cgdev.api;

  exports io.cgdev.testkit;
}
