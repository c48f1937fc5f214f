package io.cgdev.sample.gem;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.Keyed;
import io.cgdev.api.Numbers;
import io.cgdev.api.spi.BindContext;
import io.cgdev.api.spi.CgroupFile;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.Controller;
import io.cgdev.api.spi.DeviceBinding;
import io.cgdev.api.spi.FileFlag;
import io.cgdev.api.spi.StateKey;
import io.cgdev.sample.gem.api.GemCounting;
import java.util.List;

/**
 * The {@code gem} controller: per device, {@code gem.max} (a count or {@code max}; not on the
 * root), {@code gem.current} and {@code gem.events} ({@code max N}: charges refused here). Found by
 * ServiceLoader; the core calls it under its hierarchy lock, capabilities run lock-free.
 */
public final class GemController implements Controller<GemState> {
  /** The controller's name. */
  public static final String NAME = "gem";

  /** The ServiceLoader constructor. */
  public GemController() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<CgroupFile<GemState>> deviceFiles() {
    return List.of(
        CgroupFile.readWrite("max", (s, h) -> Numbers.formatMaxOrCount(s.max) + "\n",
            (s, v, h) -> s.max = Numbers.parseMaxOrCount(v, "gem.max"), FileFlag.NOT_ON_ROOT),
        CgroupFile.readOnly("current", (s, h) -> s.current.get() + "\n"),
        CgroupFile.readOnly("events", (s, h) -> Keyed.flat().put("max", s.maxEvents.get()).toString()));
  }

  @Override
  public DeviceBinding<GemState> bind(BindContext<GemState> context) {
    return new Binding(context.key(), context.registration().name(), context.root());
  }

  /** One device's gem counting. */
  private static final class Binding implements DeviceBinding<GemState>, GemCounting {
    private final StateKey<GemState> key;
    private final String device;
    private final CgroupHandle root;
    private volatile boolean unbound;

    Binding(StateKey<GemState> key, String device, CgroupHandle root) {
      this.key = key;
      this.device = device;
      this.root = root;
    }

    @Override
    public GemState createState(CgroupHandle cgroup, GemState parent) {
      return new GemState(parent);
    }

    private GemState state(CgroupHandle cgroup) {
      if (unbound) {
        throw CgroupException.of(Errno.ENODEV, "gem: device %s is gone", device);
      }
      return cgroup.state(key);
    }

    @Override
    public void charge(CgroupHandle cgroup, int n) {
      if (n < 0) {
        throw CgroupException.of(Errno.EINVAL, "gem: negative charge %d on %s", n, device);
      }
      GemState limiting = state(cgroup).tryCharge(n);
      if (limiting != null) {
        throw CgroupException.of(Errno.ENOSPC, "gem: %s: gem.max of a cgroup at or above %s reached", device, cgroup.path());
      }
    }

    @Override
    public void uncharge(CgroupHandle cgroup, int n) {
      state(cgroup).uncharge(n, device);
    }

    @Override
    public long current(CgroupHandle cgroup) {
      return state(cgroup).current.get();
    }

    @Override
    public void checkReleased() {
      // the root's count is hierarchical: it covers every live object, dying cgroups' included
      long live = root.state(key).current.get();
      if (live > 0) {
        throw CgroupException.of(Errno.EBUSY, "gem: device %s still has %d objects counted", device, live);
      }
    }

    @Override
    public void unbind() {
      unbound = true;
    }
  }
}
