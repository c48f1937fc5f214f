package io.cgdev.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupFs;
import io.cgdev.core.Cgroups;
import io.cgdev.metrics.Scrapes.Sample;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Scrapes, which take no hierarchy lock, while other threads create and remove cgroups, enable and
 * disable controllers and write limits: every scrape answers 200 with an exposition the reader
 * accepts, no cgroup shows that never existed, and once the writers stop a scrape shows exactly the
 * cgroups there are. Two parallel scrapers share the collector (scrapes run one at a time).
 *
 * <p>Time budget: 2 s ({@code -Dcgdev.stress.seconds=N} for longer; 10 s when {@code CI} is set).
 * Seeded: the seed is printed on failure ({@code -Dcgdev.stress.seed=N} replays the writers' choices).
 */
class ScrapeWhileTreeChangesStressTest {
  @Test
  void scrapesStayWholeWhileTheTreeChanges() throws Exception {
    long seconds = Long.getLong("cgdev.stress.seconds", System.getenv("CI") != null ? 10 : 2);
    long seed = Long.getLong("cgdev.stress.seed", System.nanoTime());
    Set<String> everCreated = ConcurrentHashMap.newKeySet();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    try (Cgroups cg = Cgroups.builder().build();
        MetricsServer server = MetricsServer.start(MetricsAddress.parse(":0"), cg.fs())) {
      CgroupFs fs = cg.fs();
      fs.write("/cgroup.subtree_control", "+memory +cpu");
      everCreated.add("/");
      long end = System.nanoTime() + seconds * 1_000_000_000L;
      Thread writer = new Thread(() -> {
        Random r = new Random(seed);
        while (System.nanoTime() < end) {
          String parent = "/p" + r.nextInt(4);
          String child = parent + "/c" + r.nextInt(8);
          try {
            switch (r.nextInt(6)) {
              case 0 -> {
                everCreated.add(parent);
                fs.mkdir(parent);
              }
              case 1 -> {
                everCreated.add(child);
                fs.mkdir(child);
              }
              case 2 -> fs.rmdir(r.nextBoolean() ? child : parent);
              case 3 -> fs.write(parent + "/cgroup.subtree_control", r.nextBoolean() ? "+memory +cpu" : "-memory -cpu");
              case 4 -> fs.write(child + "/cpu.devices/i915.0/cpu.weight", Integer.toString(1 + r.nextInt(10000)));
              default -> fs.write(parent + "/memory.devices/i915.0/memory.max", "lmem0 " + (1 + r.nextInt(1024)) + "M");
            }
          } catch (CgroupException e) {
            // refused (EEXIST, ENOENT, EBUSY, EINVAL for a region another branch renamed, ...): part of the game
          }
        }
      }, "tree-writer");
      Runnable scraper = () -> {
        try {
          int n = 0;
          while (System.nanoTime() < end) {
            List<Sample> samples = Scrapes.samples(Scrapes.get(server.url(), null));
            for (Sample s : samples) {
              String c = s.label("cgroup");
              if (c != null) {
                assertThat(everCreated).as("cgroup %s in a scrape", c).contains(c);
              }
            }
            n++;
          }
          assertThat(n).as("scrapes").isPositive();
        } catch (Throwable t) {
          failure.compareAndSet(null, t);
        }
      };
      Thread s1 = new Thread(scraper, "scraper-1");
      Thread s2 = new Thread(scraper, "scraper-2");
      writer.start();
      s1.start();
      s2.start();
      writer.join();
      s1.join();
      s2.join();
      if (failure.get() != null) {
        throw new AssertionError("seed " + seed + ": " + failure.get(), failure.get());
      }
      // quiet now: the scrape shows exactly the cgroups with device folders
      Set<String> expected = new HashSet<>();
      collect(fs, "/", expected);
      Set<String> scraped = new HashSet<>();
      for (Sample s : Scrapes.samples(Scrapes.get(server.url(), null))) {
        if (s.name().startsWith("cgdev_cpu_") || s.name().startsWith("cgdev_memory_")) {
          scraped.add(s.label("cgroup"));
        }
      }
      assertThat(scraped).as("seed %d", seed).isEqualTo(expected);
    }
  }

  /** The cgroups that show a memory or cpu device folder. */
  private static void collect(CgroupFs fs, String cgroup, Set<String> out) {
    String prefix = cgroup.equals("/") ? "/" : cgroup + "/";
    for (var e : fs.list(cgroup)) {
      if (!e.isDirectory()) {
        continue;
      }
      if (e.name().equals("memory.devices") || e.name().equals("cpu.devices")) {
        out.add(cgroup);
      } else if (!e.name().endsWith(".devices")) {
        collect(fs, prefix + e.name(), out);
      }
    }
  }
}
