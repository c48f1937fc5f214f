package io.cgdev.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupFs;
import io.cgdev.core.Cgroups;
import io.cgdev.metrics.internal.TreeCollector;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The walk on several threads ({@code TreeWalk}) gives the text of a walk on one thread, byte for
 * byte, whatever the tree's shape (wide, a chain of single children, a comb, random) and
 * however the threads happen to share the work; and while other threads change the tree, every
 * scrape keeps each family's samples together, has no series twice and parses.
 *
 * <p>Time budget: about 10 s on a loaded 2-core machine (the concurrent part runs 2 s; {@code -Dcgdev.stress.seconds=N}).
 * Seeded: the seed is in the failure message ({@code -Dcgdev.stress.seed=N} replays the writer).
 */
class ParallelScrapeTest {
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private CgroupFs tree() {
    Cgroups cg = Cgroups.builder().build();
    open.add(cg);
    cg.fs().write("/cgroup.subtree_control", "+memory +cpu");
    return cg.fs();
  }

  private TreeCollector collector(CgroupFs fs, int threads) {
    TreeCollector c = new TreeCollector(List.of(new TreeCollector.Tree(fs, List.of(), List.of())), () -> 0L, threads);
    open.add(c::close);
    return c;
  }

  private static String text(TreeCollector c) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    c.text().writeTo(out);
    return out.toString(StandardCharsets.UTF_8);
  }

  private static void mkdir(CgroupFs fs, String path) {
    String parent = path.substring(0, path.lastIndexOf('/'));
    if (!parent.isEmpty()) {
      fs.write(parent + "/cgroup.subtree_control", "+memory +cpu");
    }
    fs.mkdir(path);
  }

  private void sameAsSerial(CgroupFs fs) throws Exception {
    String serial = text(collector(fs, 1));
    TreeCollector parallel = collector(fs, 4);
    for (int i = 0; i < 5; i++) {
      assertThat(text(parallel)).as("parallel scrape %d", i).isEqualTo(serial);
    }
  }

  @Test
  void aWideTreeGivesTheSerialText() throws Exception {
    CgroupFs fs = tree();
    for (int i = 0; i < 300; i++) {
      mkdir(fs, "/w" + i);
    }
    sameAsSerial(fs);
  }

  @Test
  void aLongChainOfSingleChildrenGivesTheSerialText() throws Exception {
    CgroupFs fs = tree();
    StringBuilder path = new StringBuilder();
    for (int i = 0; i < 120; i++) {
      path.append("/d");
      mkdir(fs, path.toString());
    }
    sameAsSerial(fs);
  }

  @Test
  void aCombAndARandomTreeGiveTheSerialText() throws Exception {
    CgroupFs fs = tree();
    String spine = "";
    for (int i = 0; i < 40; i++) {
      mkdir(fs, spine + "/leaf");
      spine += "/s" + i;
      mkdir(fs, spine);
    }
    long seed = Long.getLong("cgdev.stress.seed", System.nanoTime());
    Random r = new Random(seed);
    List<String> cgroups = new ArrayList<>(List.of(""));
    for (int i = 0; i < 200; i++) {
      String child = cgroups.get(r.nextInt(cgroups.size())) + "/r" + i;
      mkdir(fs, child);
      cgroups.add(child);
    }
    sameAsSerial(fs);
    Promtool.check(text(collector(fs, 4)));
  }

  @Test
  void scrapesStayWholeWhileTheTreeChanges() throws Exception {
    long seconds = Long.getLong("cgdev.stress.seconds", 2);
    long seed = Long.getLong("cgdev.stress.seed", System.nanoTime());
    CgroupFs fs = tree();
    for (int i = 0; i < 8; i++) {
      mkdir(fs, "/p" + i);
      for (int j = 0; j < 8; j++) {
        mkdir(fs, "/p" + i + "/c" + j);
      }
    }
    TreeCollector parallel = collector(fs, 4);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    Thread writer = new Thread(() -> {
      Random r = new Random(seed);
      while (System.nanoTime() < end && failure.get() == null) {
        String parent = "/p" + r.nextInt(8);
        String child = parent + "/c" + r.nextInt(8);
        try {
          switch (r.nextInt(5)) {
            case 0 -> fs.mkdir(child);
            case 1 -> fs.rmdir(child);
            case 2 -> fs.write(parent + "/cgroup.subtree_control", r.nextBoolean() ? "+memory +cpu" : "-memory -cpu");
            case 3 -> fs.write(child + "/cpu.devices/i915.0/cpu.weight", Integer.toString(1 + r.nextInt(10000)));
            default -> fs.write(child + "/memory.devices/i915.0/memory.max", "lmem0 " + (1 + r.nextInt(1024)) + "M");
          }
        } catch (CgroupException e) {
          // refused (EEXIST, ENOENT, EBUSY, ...): part of the game
        }
      }
    }, "tree-writer");
    writer.start();
    int scrapes = 0;
    try {
      while (System.nanoTime() < end) {
        String text = text(parallel);
        assertWhole(text, seed);
        scrapes++;
      }
    } finally {
      writer.join();
    }
    assertThat(scrapes).isPositive();
    assertThat(text(parallel)).as("seed %d: once the writer stopped, the cached parallel scrape is the fresh serial one", seed)
        .isEqualTo(text(collector(fs, 1)));
  }

  /** Each family's samples stand together under its one HELP/TYPE pair; no series twice; it parses. */
  private static void assertWhole(String text, long seed) {
    Set<String> families = new HashSet<>();
    Set<String> series = new HashSet<>();
    String family = null;
    for (String line : text.split("\n")) {
      if (line.startsWith("# HELP ")) {
        family = line.split(" ")[2];
        assertThat(families.add(family)).as("seed %d: family %s stands together", seed, family).isTrue();
      } else if (!line.startsWith("#")) {
        assertThat(line).as("seed %d: a sample of %s", seed, family).startsWith(family);
        String key = line.substring(0, line.lastIndexOf(' '));
        assertThat(series.add(key)).as("seed %d: series %s once", seed, key).isTrue();
      }
    }
    assertThat(Scrapes.samples(text)).as("seed %d", seed).hasSize(series.size());
  }
}
