package io.cgdev.fuse.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.cgdev.api.FsEntry;
import io.cgdev.fuse.internal.Ownership.Owner;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class OwnershipTest {
  private static final FsEntry WRITABLE = new FsEntry("memory.max", FsEntry.Kind.FILE, 0644);
  private static final FsEntry FOLDER = new FsEntry("a", FsEntry.Kind.DIRECTORY, 0755);
  private final Ownership ownership = new Ownership();
  private final Caller alice = new Caller(1000, 1000, 77);
  private final Caller bob = new Caller(1001, 1001, 78);

  @Test
  void everythingIsRootsUntilDelegated() {
    assertThat(ownership.ownerOf("/a/memory.max")).isEqualTo(Owner.ROOT);
    assertThat(ownership.permits(alice, "/a/memory.max", WRITABLE, Ownership.READ)).isTrue();
    assertThat(ownership.permits(alice, "/a/memory.max", WRITABLE, Ownership.WRITE)).isFalse();
    assertThat(ownership.permits(Caller.ROOT, "/a/memory.max", WRITABLE, Ownership.WRITE)).isTrue();
  }

  @Test
  void aCreatorOwnsTheNewCgroupAndEverythingInItButChownWins() {
    ownership.created("/d/c", new Owner(1000, 1000));
    assertThat(ownership.ownerOf("/d/c")).isEqualTo(new Owner(1000, 1000));
    assertThat(ownership.ownerOf("/d/c/memory.devices/i915.0/memory.max")).isEqualTo(new Owner(1000, 1000));
    assertThat(ownership.ownerOf("/d/memory.max")).isEqualTo(Owner.ROOT);
    assertThat(ownership.ownerOf("/d/cc")).as("a sibling with a longer name").isEqualTo(Owner.ROOT);
    ownership.chown("/d/c/memory.max", Owner.ROOT);
    assertThat(ownership.permits(alice, "/d/c/memory.max", WRITABLE, Ownership.WRITE)).isFalse();
    assertThat(ownership.permits(alice, "/d/c", FOLDER, Ownership.WRITE | Ownership.EXECUTE)).isTrue();
    assertThat(ownership.permits(bob, "/d/c", FOLDER, Ownership.WRITE | Ownership.EXECUTE)).isFalse();
    ownership.forget("/d/c");
    assertThat(ownership.ownerOf("/d/c/memory.max")).isEqualTo(Owner.ROOT);
  }

  @Test
  void groupAndOtherBitsApplyAfterChmod() {
    ownership.chown("/g", new Owner(0, 1001));
    ownership.chmod("/g", 0775);
    assertThat(ownership.permits(bob, "/g", FOLDER, Ownership.WRITE)).isTrue();
    assertThat(ownership.permits(alice, "/g", FOLDER, Ownership.WRITE)).isFalse();
    assertThat(ownership.permits(alice, "/g", FOLDER, Ownership.READ | Ownership.EXECUTE)).isTrue();
  }

  @RepeatedTest(20)
  void commonAncestorIsAnAncestorOfBothAndTheDeepestSuch() {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    String a = randomPath(random);
    String b = randomPath(random);
    String c = Ownership.commonAncestor(a, b);
    String why = "seed " + seed + ": " + a + " and " + b + " -> " + c;
    assertThat(isAncestor(c, a)).as(why).isTrue();
    assertThat(isAncestor(c, b)).as(why).isTrue();
    for (String deeper = a; !deeper.equals(c); deeper = Ownership.parent(deeper)) {
      assertThat(isAncestor(deeper, b)).as(why + ": " + deeper + " is deeper and common").isFalse();
    }
  }

  private static boolean isAncestor(String ancestor, String path) {
    return ancestor.equals("/") || path.equals(ancestor) || path.startsWith(ancestor + "/");
  }

  private static String randomPath(Random random) {
    StringBuilder sb = new StringBuilder();
    int depth = random.nextInt(4);
    for (int i = 0; i < depth; i++) {
      sb.append('/').append("ab".charAt(random.nextInt(2))).append(random.nextInt(2) == 0 ? "" : "b");
    }
    return sb.isEmpty() ? "/" : sb.toString();
  }
}
