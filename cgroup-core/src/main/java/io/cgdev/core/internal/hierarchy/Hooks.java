package io.cgdev.core.internal.hierarchy;

import io.cgdev.api.spi.DeviceState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls to plugin hooks that the SPI says must not throw ({@code offline}, {@code free}, {@code
 * attach}, {@code unbind}, ...): a throw is logged and otherwise ignored, so that one broken plugin
 * cannot leave the hierarchy half changed. Called under the hierarchy lock.
 */
final class Hooks {
  private static final Logger LOG = LoggerFactory.getLogger(Hooks.class);

  private Hooks() {}

  /** Runs a hook that must not throw; a throw is logged and ignored. */
  static void quietly(Runnable hook, String what, Object who) {
    try {
      hook.run();
    } catch (RuntimeException e) {
      LOG.warn("{} of {} threw, ignored (it must not throw)", what, who, e);
    }
  }

  /** {@link DeviceState#drained()}, a throw counting as drained (so that it cannot pin its cgroup forever). */
  static boolean drained(DeviceState s) {
    try {
      return s.drained();
    } catch (RuntimeException e) {
      LOG.warn("state {} failed in drained(); treating it as drained", s, e);
      return true;
    }
  }
}
