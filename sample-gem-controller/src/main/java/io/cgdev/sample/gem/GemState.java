package io.cgdev.sample.gem;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.spi.DeviceState;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One cgroup's GEM object count on one device: a hierarchical counter in the page-counter style
 * (add at every level, compare with the limit, take back on failure). Lock-free.
 */
public final class GemState implements DeviceState {
  final GemState parent;
  final AtomicLong current = new AtomicLong();
  final AtomicLong maxEvents = new AtomicLong();
  volatile long max = Long.MAX_VALUE;

  GemState(GemState parent) {
    this.parent = parent;
  }

  /** Adds {@code n} up to the root; on a limit, undoes and returns the limiting level, else null. */
  GemState tryCharge(int n) {
    for (GemState s = this; s != null; s = s.parent) {
      long now = s.current.addAndGet(n);
      if (now > s.max) {
        for (GemState u = this; u != s.parent; u = u.parent) {
          u.current.addAndGet(-n);
        }
        s.maxEvents.incrementAndGet();
        return s;
      }
    }
    return null;
  }

  void uncharge(int n, String device) {
    for (GemState s = this; s != null; s = s.parent) {
      if (s.current.get() < n) {
        // checked before the walk changes anything below this level: undo what was done
        for (GemState u = this; u != s; u = u.parent) {
          u.current.addAndGet(n);
        }
        throw CgroupException.of(Errno.EINVAL, "gem: uncharge of %d on %s would go below zero", n, device);
      }
      s.current.addAndGet(-n);
    }
  }

  @Override
  public boolean drained() {
    return current.get() == 0;
  }
}
