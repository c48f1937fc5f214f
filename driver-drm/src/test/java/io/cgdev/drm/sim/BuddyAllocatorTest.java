package io.cgdev.drm.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cgdev.api.CgroupException;
import io.cgdev.drm.sim.RegionAllocator.Block;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

class BuddyAllocatorTest {
  private static final long K = 1024;
  private static final long M = K * K;

  @Test
  void splitsTheLowestBlockAndMergesBack() {
    BuddyAllocator b = new BuddyAllocator(M, 4 * K);
    List<Block> a = b.allocate(4 * K);
    assertThat(a).containsExactly(new Block(0, 4 * K));
    assertThat(b.avail()).isEqualTo(M - 4 * K);
    // 4K, 8K, 16K, ... 512K free after splitting the 1M root down to 4K
    assertThat(b.freeBlocks()).isEqualTo(8);
    b.free(a);
    assertThat(b.freeList()).containsExactly(new Block(0, M));
  }

  @Test
  void nonPowerOfTwoRequestsTakeSeveralBlocks() {
    BuddyAllocator b = new BuddyAllocator(M, 4 * K);
    List<Block> a = b.allocate(12 * K);
    assertThat(a).extracting(Block::size).containsExactly(8 * K, 4 * K);
    assertThat(b.avail()).isEqualTo(M - 12 * K);
    List<Block> c = b.allocate(5 * K); // rounded up to 8K
    assertThat(c.stream().mapToLong(Block::size).sum()).isEqualTo(8 * K);
  }

  @Test
  void regionSizesThatAreNotAPowerOfTwoGetSeveralRoots() {
    BuddyAllocator b = new BuddyAllocator(6 * M + 100, 64 * K);
    assertThat(b.capacity()).isEqualTo(6 * M);
    assertThat(b.rootCount()).isEqualTo(2);
    assertThat(b.largestFree()).isEqualTo(4 * M);
    assertThat(b.allocate(6 * M)).extracting(Block::size).containsExactly(4 * M, 2 * M);
    assertThat(b.avail()).isZero();
    assertThat(b.allocate(64 * K)).isEmpty();
  }

  @Test
  void fragmentationIsVisibleAndFallsBackToSmallerBlocks() {
    BuddyAllocator b = new BuddyAllocator(256 * K, 4 * K);
    List<List<Block>> all = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      all.add(b.allocate(4 * K));
    }
    for (int i = 0; i < 64; i += 2) {
      b.free(all.get(i));
    }
    assertThat(b.avail()).isEqualTo(128 * K);
    assertThat(b.largestFree()).isEqualTo(4 * K);
    assertThat(b.freeBlocks()).isEqualTo(32);
    // a 16K request is served from four scattered 4K blocks
    assertThat(b.allocate(16 * K)).hasSize(4);
  }

  @Test
  void overCommitFailsWithoutChange() {
    BuddyAllocator b = new BuddyAllocator(M, 4 * K);
    b.allocate(M - 4 * K);
    assertThat(b.allocate(8 * K)).isEmpty();
    assertThat(b.avail()).isEqualTo(4 * K);
  }

  @Test
  void rejectsBadGeometryAndForeignBlocks() {
    assertThatThrownBy(() -> new BuddyAllocator(M, 3000)).isInstanceOf(CgroupException.class);
    assertThatThrownBy(() -> new BuddyAllocator(K, 4 * K)).isInstanceOf(CgroupException.class);
    BuddyAllocator b = new BuddyAllocator(M, 4 * K);
    assertThatThrownBy(() -> b.free(List.of(new Block(0, 4 * K)))).isInstanceOf(IllegalStateException.class);
  }

  /** Seeded random alloc/free: no overlap, exact accounting, full merge back. */
  @RepeatedTest(40)
  void randomAllocFreeKeepsInvariants(RepetitionInfo info) {
    long seed = 0x5eed_0000L + info.getCurrentRepetition();
    Random rnd = new Random(seed);
    try {
      long chunk = 4 * K << rnd.nextInt(3);
      long capacity = chunk * (1 + rnd.nextInt(4096));
      BuddyAllocator b = new BuddyAllocator(capacity, chunk);
      List<List<Block>> live = new ArrayList<>();
      for (int step = 0; step < 2000; step++) {
        if (!live.isEmpty() && rnd.nextInt(3) == 0) {
          b.free(live.remove(rnd.nextInt(live.size())));
        } else {
          long size = 1 + (long) (rnd.nextDouble() * rnd.nextDouble() * capacity / 4);
          long before = b.avail();
          List<Block> got = b.allocate(size);
          if (got.isEmpty()) {
            assertThat(b.avail()).as("failed allocation changes nothing").isEqualTo(before);
            assertThat(RegionAllocator.roundUp(size, chunk)).isGreaterThan(before);
          } else {
            assertThat(got.stream().mapToLong(Block::size).sum()).isEqualTo(RegionAllocator.roundUp(size, chunk));
            live.add(got);
          }
        }
        if (step % 50 == 0) {
          checkInvariants(b, live);
        }
      }
      checkInvariants(b, live);
      live.forEach(b::free);
      assertThat(b.avail()).isEqualTo(b.capacity());
      assertThat(b.freeList()).hasSize(b.rootCount());
    } catch (AssertionError e) {
      throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
    }
  }

  private static void checkInvariants(BuddyAllocator b, List<List<Block>> live) {
    TreeMap<Long, Long> ranges = new TreeMap<>();
    long allocated = 0;
    for (List<Block> l : live) {
      for (Block x : l) {
        assertThat(ranges.put(x.offset(), x.size())).as("duplicate offset").isNull();
        allocated += x.size();
        assertThat(x.offset() % x.size()).as("blocks are naturally aligned in their root").isZero();
      }
    }
    long free = 0;
    for (Block x : b.freeList()) {
      assertThat(ranges.put(x.offset(), x.size())).as("free block overlaps").isNull();
      free += x.size();
    }
    long end = 0;
    for (var e : ranges.entrySet()) {
      assertThat(e.getKey()).as("no overlap, no gap").isEqualTo(end);
      end = e.getKey() + e.getValue();
    }
    assertThat(end).isEqualTo(b.capacity());
    assertThat(free).isEqualTo(b.avail());
    assertThat(free + allocated).isEqualTo(b.capacity());
  }
}
