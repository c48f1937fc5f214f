package io.cgdev.plugin.support;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.Stability;
import io.cgdev.api.spi.BindContext;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.DeviceBinding;
import io.cgdev.api.spi.DeviceState;
import io.cgdev.api.spi.StateKey;

/**
 * The part of a {@link DeviceBinding} every controller writes the same way: it keeps the key, the
 * device name and the root from the {@link BindContext}; {@link #state} finds a cgroup's state and
 * fails with {@code ENODEV} once the device is gone, so capability calls after an unplug fail cleanly;
 * {@link #checkReleased} refuses with {@code EBUSY} while {@link #held()} names something. A
 * controller extends it, implements {@code createState}, and implements its capability interface
 * with {@link #state}:
 *
 * <pre>{@code
 * final class PowerBinding extends BindingBase<PowerState> implements PowerBudget {
 *   PowerBinding(BindContext<PowerState> ctx) { super(ctx); }
 *   public PowerState createState(CgroupHandle cgroup, PowerState parent) { return new PowerState(parent); }
 *   public void draw(CgroupHandle cgroup, long watts) { state(cgroup).watts.charge(watts, "power: " + device()); }
 *   protected String held() {
 *     long w = state(root()).watts.usage();     // the root's count covers every cgroup, dying ones too
 *     return w == 0 ? null : w + " W still drawn";
 *   }
 * }
 * }</pre>
 *
 * <p>Thread-safe: {@link #state} is lock-free; the core calls {@link #checkReleased} and {@link
 * #unbind} under its hierarchy lock.
 *
 * @param <S> the controller's state type
 */
@Stability(value = Stability.Status.STABLE, since = "0.2")
public abstract class BindingBase<S extends DeviceState> implements DeviceBinding<S> {
  private final StateKey<S> key;
  private final String device;
  private final CgroupHandle root;
  private volatile boolean unbound;

  protected BindingBase(BindContext<S> context) {
    this.key = context.key();
    this.device = context.registration().name();
    this.root = context.root();
  }

  /** The device this binding governs, e.g. {@code vgem0}. */
  public final String device() {
    return device;
  }

  /** The key of this binding's states. */
  protected final StateKey<S> key() {
    return key;
  }

  /** The root cgroup. */
  protected final CgroupHandle root() {
    return root;
  }

  /** True once {@link #unbind} ran. */
  protected final boolean unbound() {
    return unbound;
  }

  /**
   * This binding's state in a cgroup (a dying one's too).
   *
   * @throws CgroupException {@code ENODEV} once the device was unregistered
   */
  protected final S state(CgroupHandle cgroup) {
    if (unbound) {
      throw CgroupException.of(Errno.ENODEV, "device %s was unregistered", device);
    }
    return cgroup.state(key);
  }

  /**
   * What still holds resources charged through this binding, e.g. {@code "3 objects counted"}, or
   * {@code null} if nothing does. Called by {@link #checkReleased} under the hierarchy lock; the
   * default holds nothing.
   */
  protected String held() {
    return null;
  }

  /** Refuses with {@code EBUSY} while {@link #held()} names something. */
  @Override
  public void checkReleased() {
    String held = held();
    if (held != null) {
      throw CgroupException.of(Errno.EBUSY, "device %s: %s", device, held);
    }
  }

  /** Marks the binding gone: from now on {@link #state} fails with {@code ENODEV}. Overrides call {@code super.unbind()}. */
  @Override
  public void unbind() {
    unbound = true;
  }
}
