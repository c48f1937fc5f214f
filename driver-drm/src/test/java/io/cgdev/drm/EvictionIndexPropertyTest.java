package io.cgdev.drm;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupPath;
import io.cgdev.api.Errno;
import io.cgdev.api.spi.CgroupHandle;
import io.cgdev.api.spi.DeviceState;
import io.cgdev.api.spi.MemoryCharging;
import io.cgdev.api.spi.ReclaimRequest;
import io.cgdev.api.spi.StateKey;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The eviction index against brute force, seeded: random sequences of creates (charged to random
 * cgroups of a small tree, or uncharged), batch uses and releases, pins and unpins (also of freed
 * objects), migrations both ways, direct and scoped evictions, frees, and changes of {@code
 * memory.max}, protection and a full swap, on placement and eviction wired as {@link DrmDevice} wires
 * them, with a fake memory controller that reclaims through the device's hook when a charge passes a
 * limit. After every step every residency's evictable bytes, for every scope, equal a recount of its
 * list, and its counted cgroups are exactly those with objects charged below them there; every
 * eviction (asked directly, through the reclaim hook by a charge over a limit, or by a full allocator)
 * frees the bytes and moves the objects, in the order, that the plain walk over the whole list takes
 * (which tries, and fails, to move every candidate when the system region is full).
 * Budget: 60 seeds × 400 steps, about a second. A failure names its seed and step.
 */
class EvictionIndexPropertyTest {
  static final long PAGE = 4096;
  static final long M = 1 << 20;
  static final int SEEDS = 60;
  static final int STEPS = 400;

  @Test
  void theCountsMatchARecountAndEveryEvictionTakesWhatThePlainWalkTakes() {
    Map<String, Integer> seen = new TreeMap<>();
    for (int i = 1; i <= SEEDS; i++) {
      long seed = 0x1DE7L * 7919 + i;
      World w = new World(new Random(seed));
      try {
        synchronized (w.lock) {
          for (w.step = 0; w.step < STEPS; w.step++) {
            w.step();
            w.checkCounts();
          }
          w.releaseEverything();
          w.checkCounts();
          for (Residency r : w.residency.values()) {
            assertThat(r.leastRecentlyUsedFirst()).isEmpty();
            assertThat(r.countedCgroups()).as("%s: cgroups counted once empty", r.region().name()).isZero();
          }
          for (Cg c : w.cgroups) {
            assertThat(c.usage).as("%s's usage once everything is freed", c.path).isZero();
          }
        }
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError("seed " + seed + ", step " + w.step + " (" + w.op + "): " + e.getMessage(), e);
      }
      w.outcomes.forEach((k, v) -> seen.merge(k, v, Integer::sum));
    }
    System.out.println("eviction index: " + SEEDS + " seeds x " + STEPS + " steps: " + seen);
    // the generator reaches every kind of walk and every way an object is passed over or refused
    assertThat(seen).as("outcomes %s", seen).containsKeys("walk", "walk scoped", "walk took some", "walk took none",
        "passed protected", "passed swap full", "passed target full", "passed out of scope", "uncharged in scoped walk",
        "reclaim by charge", "reclaim for room", "target smaller than every object", "offered from the index", "migrate in", "migrate out", "unpin freed");
  }

  /** A cgroup of the fake tree, with its memory.max, usage (subtree) and pools. */
  static final class Cg implements CgroupHandle {
    final CgroupPath path;
    final Cg parent;
    final int id;
    final int level;
    long max = Long.MAX_VALUE;
    long usage;
    final MemoryCharging.Pool pool = new MemoryCharging.Pool() {
      @Override public CgroupHandle cgroup() { return Cg.this; }
      @Override public int region() { return 0; }
    };
    final MemoryCharging.SwapPool swap = () -> this;

    Cg(Cg parent, String name, int id) {
      this.parent = parent;
      this.path = parent == null ? CgroupPath.root() : CgroupPath.parse(parent.path + (parent.parent == null ? "" : "/") + name);
      this.id = id;
      this.level = parent == null ? 0 : parent.level + 1;
    }

    @Override public CgroupPath path() { return path; }
    @Override public int id() { return id; }
    @Override public CgroupHandle parent() { return parent; }
    @Override public int level() { return level; }
    @Override public boolean online() { return true; }
    @Override public <S extends DeviceState> S state(StateKey<S> key) { throw new UnsupportedOperationException(); }
    @Override public String toString() { return path.toString(); }
  }

  /** Placement and eviction of one device over a fake memory controller, driven at random. */
  static final class World implements MemoryCharging, ChargingPort {
    final Random rnd;
    final Object lock = new Object();
    final MemoryRegion smem;
    final MemoryRegion lmem = MemoryRegion.local("lmem0", 8 * M, 64 << 10);
    final Residencies residency;
    final GemEvictor evictor;
    final GemPlacement gem;
    final List<Cg> cgroups = new ArrayList<>();
    final Set<Cg> protectedCgroups = new HashSet<>();
    final Set<Cg> swapFull = new HashSet<>();
    final List<GemObject> handles = new ArrayList<>();
    final List<Runnable> batches = new ArrayList<>();
    final List<GemObject> pins = new ArrayList<>();
    final Map<String, Integer> outcomes = new TreeMap<>();
    /** The owners the device offered to {@link #mayEvict}, in order (the controller counts events from these calls). */
    final List<CgroupHandle> offered = new ArrayList<>();
    final Predicate<CgroupHandle> mayEvict = owner -> {
      offered.add(owner);
      return !protectedCgroups.contains((Cg) owner);
    };
    int step;
    String op = "";

    World(Random rnd) {
      this.rnd = rnd;
      smem = MemoryRegion.system("smem", (8 + rnd.nextInt(24)) * M);
      Map<String, MemoryRegion> regions = new LinkedHashMap<>();
      regions.put("smem", smem);
      regions.put("lmem0", lmem);
      residency = Residencies.forRegions(regions.values());
      evictor = new GemEvictor(lock, residency, smem, this);
      gem = new GemPlacement(lock, "gpu.0", regions, List.of("lmem0", "smem"), residency, this, evictor);
      Cg root = new Cg(null, "", 0);
      cgroups.add(root);
      for (int team = 0, teams = 2 + rnd.nextInt(2); team < teams; team++) {
        Cg t = new Cg(root, "team" + team, cgroups.size());
        cgroups.add(t);
        for (int job = 0, jobs = rnd.nextInt(4); job < jobs; job++) {
          cgroups.add(new Cg(t, "job" + job, cgroups.size()));
        }
      }
    }

    void count(String outcome) {
      outcomes.merge(outcome, 1, Integer::sum);
    }

    <T> T pick(List<T> list) {
      return list.get(rnd.nextInt(list.size()));
    }

    void step() {
      switch (rnd.nextInt(13)) {
        case 0, 1, 2 -> create();
        case 3, 4 -> use();
        case 5, 6 -> release();
        case 7 -> pinOrUnpin();
        case 8 -> migrate();
        case 9, 10 -> evict();
        case 11 -> free();
        default -> tweak();
      }
    }

    void create() {
      Cg cg = rnd.nextInt(8) == 0 ? null : pick(cgroups);
      long size = (1 + rnd.nextInt(24)) * 64 * 1024;
      String[] placement = switch (rnd.nextInt(4)) {
        case 0 -> new String[] {"lmem0"};
        case 1 -> new String[] {"smem"};
        default -> new String[0];
      };
      op = "create " + size + " for " + cg + " in " + List.of(placement);
      try {
        GemObject o = gem.create("app", size, gem.placementList(placement), cg);
        o.refcount++; // the creator's handle
        handles.add(o);
      } catch (CgroupException e) {
        assertThat(e.errno()).isEqualTo(Errno.ENOSPC);
      }
    }

    void use() {
      if (handles.isEmpty()) {
        return;
      }
      List<GemObject> used = new ArrayList<>();
      for (int i = 0, n = 1 + rnd.nextInt(3); i < n; i++) {
        GemObject o = pick(handles);
        if (!used.contains(o)) {
          used.add(o);
        }
      }
      op = "use " + used;
      batches.add(gem.useInBatch(used));
    }

    void release() {
      if (!batches.isEmpty()) {
        op = "release a batch";
        batches.remove(rnd.nextInt(batches.size())).run();
      }
    }

    void pinOrUnpin() {
      if (!pins.isEmpty() && rnd.nextBoolean()) {
        GemObject o = pins.remove(rnd.nextInt(pins.size()));
        op = "unpin " + o;
        if (o.freed) {
          count("unpin freed");
        }
        o.unpin();
      } else if (!handles.isEmpty()) {
        GemObject o = pick(handles);
        op = "pin " + o;
        o.pin();
        pins.add(o);
      }
    }

    void migrate() {
      if (handles.isEmpty()) {
        return;
      }
      GemObject o = pick(handles);
      MemoryRegion to = o.region == lmem ? smem : lmem;
      Cg cg = rnd.nextInt(4) == 0 ? null : pick(cgroups);
      op = "migrate " + o + " to " + to.name() + " for " + cg;
      try {
        gem.migrate(o, to, cg, evictor);
        count(to == lmem ? "migrate in" : "migrate out");
      } catch (CgroupException e) {
        assertThat(e.errno()).isIn(Errno.EINVAL, Errno.EBUSY, Errno.ENOSPC);
      }
    }

    void evict() {
      long bytes = (1 + rnd.nextInt(64)) * 64 * 1024;
      Cg scope = rnd.nextInt(3) == 0 ? null : pick(cgroups);
      op = "evict " + bytes + " below " + scope;
      if (rnd.nextBoolean()) {
        checkedWalk(bytes, scope, () -> evictor.evict(lmem, bytes, scope, mayEvict));
      } else {
        checkedWalk(bytes, scope, () -> evictor.reclaim(request(bytes, scope)));
      }
    }

    void free() {
      if (!handles.isEmpty()) {
        GemObject o = handles.remove(rnd.nextInt(handles.size()));
        op = "free " + o;
        gem.put(o);
      }
    }

    void tweak() {
      Cg cg = pick(cgroups);
      switch (rnd.nextInt(3)) {
        case 0 -> {
          cg.max = rnd.nextBoolean() ? Long.MAX_VALUE : (1 + rnd.nextInt(8)) * M;
          op = cg + " memory.max " + cg.max;
        }
        case 1 -> {
          op = cg + " protection";
          if (!protectedCgroups.remove(cg)) {
            protectedCgroups.add(cg);
          }
        }
        default -> {
          op = cg + " swap full";
          if (!swapFull.remove(cg)) {
            swapFull.add(cg);
          }
        }
      }
    }

    void releaseEverything() {
      op = "release everything";
      batches.forEach(Runnable::run);
      batches.clear();
      handles.forEach(gem::put);
      handles.clear();
      pins.forEach(GemObject::unpin);
      pins.clear();
    }

    ReclaimRequest request(long bytes, Cg scope) {
      return new ReclaimRequest() {
        @Override public String region() { return "lmem0"; }
        @Override public long bytes() { return bytes; }
        @Override public CgroupHandle scope() { return scope; }
        @Override public boolean mayEvict(CgroupHandle owner) { return World.this.mayEvict.test(owner); }
      };
    }

    /**
     * Runs an eviction of {@code lmem0} and checks it against the plain walk, worked out beforehand
     * over a copy of the list: every object, head to tail, until enough is freed; each idle one in
     * scope and not protected is moved when the system region has room and swap takes its charge.
     */
    long checkedWalk(long bytes, Cg scope, LongSupplier eviction) {
      List<GemObject> before = residency.get("lmem0").leastRecentlyUsedFirst();
      List<GemObject> targetBefore = residency.get("smem").leastRecentlyUsedFirst();
      long room = smem.allocator().avail();
      long free = room;
      if (!before.isEmpty() && before.stream().allMatch(o -> o.size() > free)) {
        count("target smaller than every object");
      }
      List<GemObject> victims = new ArrayList<>();
      List<CgroupHandle> offers = new ArrayList<>();
      long freed = 0;
      for (GemObject o : before) {
        if (freed >= bytes) {
          break;
        }
        if (!o.evictable() || o.region != lmem) {
          continue;
        }
        GemCharge c = o.charge;
        if (c == null && scope != null) {
          count("uncharged in scoped walk");
        }
        if (c != null && scope != null && !c.cgroup().isDescendantOf(scope)) {
          count("passed out of scope");
          continue;
        }
        if (c != null) {
          offers.add(c.cgroup());
        }
        if (c != null && protectedCgroups.contains((Cg) c.cgroup())) {
          count("passed protected");
          continue;
        }
        if (room < o.size()) {
          count("passed target full");
          continue;
        }
        if (c != null && swapRefuses((Cg) c.cgroup())) {
          count("passed swap full");
          continue;
        }
        room -= o.size();
        freed += o.size();
        victims.add(o);
      }
      List<GemObject> remaining = new ArrayList<>(before);
      remaining.removeAll(victims);
      List<GemObject> targetAfter = new ArrayList<>(targetBefore);
      targetAfter.addAll(victims);

      offered.clear();
      long got = eviction.getAsLong();

      count("walk");
      count(scope != null ? "walk scoped" : "walk unscoped");
      count(victims.isEmpty() ? "walk took none" : "walk took some");
      assertThat(got).as("bytes freed by a walk for %d bytes below %s", bytes, scope).isEqualTo(freed);
      // the memory controller counts the low event and notes protection from these calls, room or not;
      // a walk that can move nothing offers them from the index, in another order
      boolean noRoom = bytes > 0 && before.stream().allMatch(o -> o.size() > free);
      if (noRoom) {
        count("offered from the index");
        assertThat(offered).as("owners offered to mayEvict by a walk for %d bytes below %s (no room)", bytes, scope)
            .containsExactlyInAnyOrderElementsOf(offers);
      } else {
        assertThat(offered).as("owners offered to mayEvict by a walk for %d bytes below %s", bytes, scope)
            .containsExactlyElementsOf(offers);
      }
      assertThat(residency.get("lmem0").leastRecentlyUsedFirst()).as("lmem0 after the walk").containsExactlyElementsOf(remaining);
      assertThat(residency.get("smem").leastRecentlyUsedFirst()).as("smem after the walk (victims in order)")
          .containsExactlyElementsOf(targetAfter);
      return got;
    }

    boolean swapRefuses(Cg cg) {
      for (Cg c = cg; c != null; c = c.parent) {
        if (swapFull.contains(c)) {
          return true;
        }
      }
      return false;
    }

    /** Every residency's counts against a recount of its list. */
    void checkCounts() {
      for (Residency r : residency.values()) {
        List<GemObject> list = r.leastRecentlyUsedFirst();
        Set<Cg> charged = new HashSet<>();
        for (GemObject o : list) {
          assertThat(o.listedIn).isSameAs(r.region());
          assertThat(o.region).isSameAs(r.region());
          for (Cg c = o.charge == null ? null : (Cg) o.charge.cgroup(); c != null; c = c.parent) {
            charged.add(c);
          }
        }
        assertThat(r.countedCgroups()).as("%s: cgroups counted", r.region().name()).isEqualTo(charged.size());
        assertThat(r.smallestObject()).as("%s: smallest object", r.region().name())
            .isEqualTo(list.stream().mapToLong(GemObject::size).min().orElse(Long.MAX_VALUE));
        assertThat(r.evictableBytes(null)).as("%s: evictable bytes", r.region().name()).isEqualTo(recount(list, null));
        for (Cg scope : cgroups) {
          assertThat(r.evictableBytes(scope)).as("%s: evictable bytes below %s", r.region().name(), scope)
              .isEqualTo(recount(list, scope));
        }
      }
    }

    static long recount(List<GemObject> list, Cg scope) {
      long bytes = 0;
      for (GemObject o : list) {
        if (o.evictable() && (scope == null || o.charge == null || o.charge.cgroup().isDescendantOf(scope))) {
          bytes += o.size();
        }
      }
      return bytes;
    }

    // ChargingPort: lmem0 is charged, smem is not; every cgroup may use both

    @Override
    public boolean charges(String region) {
      return region.equals("lmem0");
    }

    @Override
    public boolean allowsRegion(CgroupHandle cgroup, String region) {
      return true;
    }

    @Override
    public GemCharge charge(String region, CgroupHandle cgroup, long bytes) {
      return cgroup == null ? null : new GemCharge(this, charge(cgroup, 0, bytes));
    }

    @Override
    public GemCharge tryCharge(String region, CgroupHandle cgroup, long bytes) {
      Pool p = tryCharge(cgroup, 0, bytes);
      return p == null ? null : new GemCharge(this, p);
    }

    @Override
    public long reclaim(String region, long bytes) {
      count("reclaim for room");
      return checkedWalk(bytes, null, () -> evictor.reclaim(request(bytes, null)));
    }

    // MemoryCharging: a page counter per cgroup for lmem0, reclaiming through the device's hook

    @Override
    public int region(String name) {
      return 0;
    }

    @Override
    public Pool charge(CgroupHandle cgroup, int region, long bytes) {
      for (int attempt = 0; ; attempt++) {
        Pool p = tryCharge(cgroup, region, bytes);
        if (p != null) {
          return p;
        }
        Cg limiting = limiting((Cg) cgroup, bytes);
        count("reclaim by charge");
        if (attempt == 3 || checkedWalk(bytes, limiting, () -> evictor.reclaim(request(bytes, limiting))) == 0) {
          throw CgroupException.of(Errno.ENOSPC, "%s: memory.max of %s reached", cgroup, limiting);
        }
      }
    }

    @Override
    public Pool tryCharge(CgroupHandle cgroup, int region, long bytes) {
      Cg cg = (Cg) cgroup;
      if (limiting(cg, bytes) != null) {
        return null;
      }
      for (Cg c = cg; c != null; c = c.parent) {
        c.usage += bytes;
      }
      return cg.pool;
    }

    static Cg limiting(Cg cg, long bytes) {
      for (Cg c = cg; c != null; c = c.parent) {
        if (c.usage + bytes > c.max) {
          return c;
        }
      }
      return null;
    }

    @Override
    public void uncharge(Pool pool, long bytes) {
      uncharge(pool.cgroup(), 0, bytes);
    }

    @Override
    public void uncharge(CgroupHandle cgroup, int region, long bytes) {
      for (Cg c = (Cg) cgroup; c != null; c = c.parent) {
        c.usage -= bytes;
        assertThat(c.usage).as("usage of %s", c).isNotNegative();
      }
    }

    @Override
    public long reclaim(CgroupHandle scope, int region, long bytes) {
      return evictor.reclaim(request(bytes, (Cg) scope));
    }

    @Override
    public long usage(CgroupHandle cgroup, int region) {
      return ((Cg) cgroup).usage;
    }

    @Override
    public SwapPool swapOut(Pool pool, long bytes) {
      Cg cg = (Cg) pool.cgroup();
      if (swapRefuses(cg)) {
        return null;
      }
      uncharge(pool, bytes);
      return cg.swap;
    }

    @Override
    public Pool swapIn(SwapPool swap, long bytes) {
      return charge(swap.cgroup(), 0, bytes);
    }

    @Override
    public void uncharge(SwapPool swap, long bytes) {
      // swap is not counted here: only memory.max limits
    }
  }
}
