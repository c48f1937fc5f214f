package io.cgdev.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.api.CgroupException;
import io.cgdev.api.Errno;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.DeviceSpec;
import io.cgdev.api.spi.RegionSpec;
import io.cgdev.testkit.RecordingController.State;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * One thread makes and removes cgroups and binds and unregisters a second device while two readers
 * walk {@link TestCgroups#cgroups()} and look states up without a lock. Checks: a lookup returns
 * the state made for that very cgroup or fails with {@code ENODEV}, never anything else; a listed
 * cgroup's parent is listed before it or was removed; at the end every state was freed once.
 */
class TestCgroupsStressTest {
  private static final int ROUNDS = 20_000;

  @Test
  void lockFreeLookupsSeeTheirOwnStateOrEnodev() throws Exception {
    long seed = System.nanoTime();
    RecordingController rec = new RecordingController();
    RecordingController other = new RecordingController("other");
    TestCgroups cgroups = new TestCgroups(rec, other);
    TestBinding<State> dev = cgroups.bind(rec, spec("dev0", "rec"));
    AtomicBoolean done = new AtomicBoolean();
    AtomicLong lookups = new AtomicLong();
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    Runnable reader = () -> {
      try {
        while (!done.get()) {
          Set<CgroupHandle> before = Collections.newSetFromMap(new IdentityHashMap<>());
          for (CgroupHandle c : cgroups.cgroups()) {
            if (c.parent() != null && c.parent().online() && !before.contains(c.parent())) {
              throw new AssertionError(c + " listed before its live parent");
            }
            try {
              State s = c.state(dev.key());
              if (s.cgroup != c) {
                throw new AssertionError(c + " answered the state of " + s.cgroup);
              }
            } catch (CgroupException e) {
              if (e.errno() != Errno.ENODEV || c.online()) {
                throw new AssertionError("lookup in " + c + " (online " + c.online() + ") failed", e);
              }
            }
            before.add(c);
            lookups.incrementAndGet();
          }
        }
      } catch (Throwable t) {
        failures.add(t);
      }
    };
    Thread r1 = new Thread(reader, "reader-1");
    Thread r2 = new Thread(reader, "reader-2");
    r1.start();
    r2.start();
    Random rnd = new Random(seed);
    TestBinding<State> second = null;
    try {
      for (int i = 0; i < ROUNDS && failures.isEmpty(); i++) {
        List<CgroupHandle> all = cgroups.cgroups();
        CgroupHandle pick = all.get(rnd.nextInt(all.size()));
        switch (rnd.nextInt(6)) {
          case 0, 1, 2 -> {
            if (pick.level() < 4 && all.size() < 64) {
              cgroups.mkdir(pick, "c" + i);
            }
          }
          case 3, 4 -> {
            if (!pick.isRoot() && cgroups.cgroups().stream().noneMatch(c -> c.parent() == pick)) {
              cgroups.rmdir(pick);
            }
          }
          default -> {
            if (second == null) {
              second = cgroups.bind(other, spec("dev1", "other"));
            } else {
              second.unregister();
              second = null;
            }
          }
        }
      }
    } finally {
      done.set(true);
      r1.join();
      r2.join();
    }
    assertThat(failures).as("seed %d", seed).isEmpty();
    assertThat(lookups.get()).as("the readers ran").isPositive();
    dev.unregister();
    if (second != null) {
      second.unregister();
    }
    for (RecordingController c : List.of(rec, other)) {
      long created = c.log.stream().filter(l -> l.startsWith("create ")).count();
      long freed = c.log.stream().filter(l -> l.startsWith("free ")).count();
      assertThat(freed).as("seed %d: %s freed every state it made", seed, c.name()).isEqualTo(created);
    }
  }

  private static DeviceSpec spec(String name, String controller) {
    return DeviceSpec.builder(name, "fake").controllers(controller).region(new RegionSpec("r0", 1 << 20)).build();
  }
}
