package io.cgdev.sample.gem;

import io.cgdev.api.Keyed;
import io.cgdev.api.Numbers;
import io.cgdev.api.spi.BindContext;
import io.cgdev.api.spi.CgroupFile;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.Controller;
import io.cgdev.api.spi.DeviceBinding;
import io.cgdev.api.spi.FileFlag;
import io.cgdev.plugin.support.BindingBase;
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
        CgroupFile.readWrite("max", (s, h) -> Numbers.formatMaxOrCount(s.objects.max()) + "\n",
            (s, v, h) -> s.objects.max(Numbers.parseMaxOrInRange(v, 0, Integer.MAX_VALUE, "gem.max")), FileFlag.NOT_ON_ROOT),
        CgroupFile.readOnly("current", (s, h) -> s.objects.usage() + "\n"),
        CgroupFile.readOnly("events", (s, h) -> Keyed.flat().put("max", s.objects.maxEvents()).toString()));
  }

  @Override
  public DeviceBinding<GemState> bind(BindContext<GemState> context) {
    return new Binding(context);
  }

  /** One device's gem counting: the support module's binding base does ENODEV after unbind and checkReleased. */
  private static final class Binding extends BindingBase<GemState> implements GemCounting {
    Binding(BindContext<GemState> context) {
      super(context);
    }

    @Override
    public GemState createState(CgroupHandle cgroup, GemState parent) {
      return new GemState(parent);
    }

    @Override
    public void charge(CgroupHandle cgroup, int n) {
      state(cgroup).objects.charge(n, "gem: " + n + " object(s) on " + device() + " for " + cgroup.path());
    }

    @Override
    public void uncharge(CgroupHandle cgroup, int n) {
      state(cgroup).objects.uncharge(n, "gem: " + device());
    }

    @Override
    public long current(CgroupHandle cgroup) {
      return state(cgroup).objects.usage();
    }

    @Override
    protected String held() {
      // the root's count is hierarchical: it covers every live object, dying cgroups' included
      long live = state(root()).objects.usage();
      return live == 0 ? null : "gem: " + live + " objects still counted";
    }
  }
}
