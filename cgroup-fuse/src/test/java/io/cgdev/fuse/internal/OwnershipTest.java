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

  @Test
  void theListenerHearsOfEveryChangeButNotOfReplayedOnes() {
    java.util.List<String> heard = new java.util.ArrayList<>();
    ownership.replay(Ownership.Kind.CREATED, "/d", 1000, 1000, 0);
    ownership.replay(Ownership.Kind.CHMOD, "/d", 0, 0, 0700);
    ownership.listen(new Ownership.Changes() {
      @Override
      public void created(String path, Owner creator) {
        heard.add("created " + path + " " + creator.uid());
      }

      @Override
      public void chowned(String path, Owner owner) {
        heard.add("chown " + path + " " + owner.uid());
      }

      @Override
      public void chmodded(String path, int mode) {
        heard.add("chmod " + path + " " + Integer.toOctalString(mode));
      }

      @Override
      public void forgotten(String path) {
        heard.add("forget " + path);
      }
    });
    assertThat(ownership.ownerOf("/d/x")).isEqualTo(new Owner(1000, 1000));
    assertThat(ownership.modeOf("/d", FOLDER)).isEqualTo(0700);
    ownership.created("/d/c", new Owner(1001, 1001)); // forgets below /d/c without saying so: created implies it
    ownership.chown("/d/c/memory.max", Owner.ROOT);
    ownership.chmod("/d/c", 0750);
    ownership.forget("/d");
    assertThat(heard).containsExactly("created /d/c 1001", "chown /d/c/memory.max 0", "chmod /d/c 750", "forget /d");
    assertThat(ownership.ownerOf("/d/c")).isEqualTo(Owner.ROOT);
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
