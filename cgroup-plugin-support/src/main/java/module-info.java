/**
 * Building blocks for cgdev plugin authors, on top of {@code io.cgdev.api}: what every controller
 * and driver would otherwise copy from the samples. Optional: the api stays the contract, and a
 * plugin may use these or write its own.
 *
 * <ul>
 *   <li>{@link io.cgdev.plugin.support.HierarchicalCounter}: the page-counter shape (usage up to the
 *       root, a limit, a {@code max} event at the limiting level, rollback on failure).
 *   <li>{@link io.cgdev.plugin.support.BindingBase}: a {@code DeviceBinding} that fails with {@code
 *       ENODEV} once unbound and refuses {@code checkReleased} with {@code EBUSY} while something is
 *       held.
 *   <li>{@link io.cgdev.plugin.support.Registrar}: registers a device with those of the wanted
 *       controllers that are present.
 *   <li>{@link io.cgdev.plugin.support.PressureGroup}, {@link io.cgdev.plugin.support.PressureTrigger},
 *       {@link io.cgdev.plugin.support.Stall}: pressure stall information (the kernel's PSI) for a
 *       resource of a device: some/full stall time from client state changes, the kernel's
 *       fixed-point averages and text format, triggers; {@link io.cgdev.plugin.support.PressureFile}
 *       declares a pressure file over them (read, trigger write, poll, release).
 *   <li>{@link io.cgdev.plugin.support.SingleDeviceDriver}: a driver with one device and one memory
 *       region: its listing, {@code ENODEV}/{@code EINVAL} checks and unplug.
 * </ul>
 *
 * <p>Number formats ({@code max} or a bounded integer) are in the api: {@code io.cgdev.api.Numbers}.
 */
module io.cgdev.plugin.support {
  requires transitive io.cgdev.api;

  exports io.cgdev.plugin.support;
}
