package io.cgdev.plugin.support;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.Stability;
import io.cgdev.api.spi.CgroupFile;
import io.cgdev.api.spi.FileFlag;
import io.cgdev.api.spi.FileHandle;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The declaration of a pressure file ({@code cpu.pressure}, {@code memory.pressure}, or one of your
 * own) over a {@link PressureGroup} per state, as the kernel's cgroup pressure files behave
 * ({@code cgroup_pressure_show}, {@code pressure_write}, {@code cgroup_pressure_poll}, {@code
 * cgroup_pressure_release}):
 *
 * <ul>
 *   <li>a read is {@link PressureGroup#show} at the device's present time;
 *   <li>a write sets a trigger on the open handle ({@code some 150000 1000000}; {@link
 *       PressureTrigger#parse}): one per handle, a second is {@code EBUSY};
 *   <li>a poll of a handle with a trigger reports (and takes) its event; a handle without one always
 *       reports {@code POLLPRI}, as the kernel answers {@code POLLERR|POLLPRI} then;
 *   <li>closing the handle ends its trigger.
 * </ul>
 *
 * <p>The file carries {@link FileFlag#PRESSURE}: the core hides it while its cgroup's {@code
 * cgroup.pressure} is 0 (and releases its open handles). Switch the group off with it: override
 * {@link io.cgdev.api.spi.DeviceState#accountPressure} with {@code group.enabled(on)}.
 *
 * <pre>{@code
 * PressureFile.of("pressure", s -> s.pressure, s -> !s.isRoot(), s -> () -> ctx.notifyChange(s.cgroup, "pressure"))
 * }</pre>
 */
@Stability(value = Stability.Status.EXPERIMENTAL, since = "0.2")
public final class PressureFile {
  private PressureFile() {}

  /**
   * @param name the file's name without the controller prefix, e.g. {@code pressure}
   * @param group the state's pressure group
   * @param fullDefined false where the {@code full} line prints zeros (the kernel's system-level CPU)
   * @param notifier what tells the file's pollers to look again (the kernel's {@code kernfs_notify}),
   *     e.g. {@code BindContext.notifyChange}; it runs when a trigger raises an event, possibly under
   *     a driver's lock, so it must be quick and must not block
   * @param <S> the controller's state type
   */
  public static <S> CgroupFile<S> of(String name, Function<S, PressureGroup> group, Predicate<S> fullDefined,
      Function<S, Runnable> notifier) {
    return CgroupFile.<S>named(name)
        .reader((s, h) -> {
          PressureGroup g = group.apply(s);
          g.advance();
          return g.show(fullDefined.test(s));
        })
        .writer((s, v, h) -> {
          if (h.attachment() instanceof PressureTrigger) {
            throw CgroupException.of(Errno.EBUSY, "%s: this open file has a trigger already (one per open file)", name);
          }
          h.attach(group.apply(s).createTrigger(v, notifier.apply(s)));
        })
        .poller((s, h) -> poll(h))
        .releaser((s, h) -> {
          if (h.attachment() instanceof PressureTrigger t) {
            t.close();
          }
        })
        .flag(FileFlag.PRESSURE)
        .build();
  }

  private static boolean poll(FileHandle h) {
    return !(h.attachment() instanceof PressureTrigger t) || t.pollEvent();
  }
}
