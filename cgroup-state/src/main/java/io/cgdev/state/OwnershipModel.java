package io.cgdev.state;

import io.cgdev.api.OwnershipChange;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The owners and modes the {@link OwnershipChange} changes add up to, kept so that a checkpoint can write
 * them down without asking the front end: the same three maps as cgroup-fuse's ownership (an entry's
 * {@code chown}, the creator of a cgroup made through the mount, an entry's {@code chmod}), with the
 * same rules (making a cgroup and removing one forget what was recorded at and below its path).
 * Used under the journal's lock only.
 */
final class OwnershipModel {
  private record Owner(int uid, int gid) {}

  private final Map<String, Owner> chowned = new TreeMap<>();
  private final Map<String, Owner> creators = new TreeMap<>();
  private final Map<String, Integer> modes = new TreeMap<>();

  void apply(OwnershipChange change) {
    switch (change) {
      case OwnershipChange.Created c -> {
        forget(c.path());
        creators.put(c.path(), new Owner(c.uid(), c.gid()));
      }
      case OwnershipChange.Chown c -> chowned.put(c.path(), new Owner(c.uid(), c.gid()));
      case OwnershipChange.Chmod c -> modes.put(c.path(), c.mode() & 07777);
      case OwnershipChange.Forget f -> forget(f.path());
    }
  }

  private void forget(String path) {
    String prefix = path.endsWith("/") ? path : path + "/";
    for (Map<String, ?> map : List.of(chowned, creators, modes)) {
      map.keySet().removeIf(p -> p.equals(path) || p.startsWith(prefix));
    }
  }

  /**
   * Changes that rebuild these maps from nothing, in an order in which no {@code created} forgets
   * what an earlier change set: by path, and for one path its creator before its owner and mode.
   */
  List<OwnershipChange> changes() {
    TreeSet<String> paths = new TreeSet<>();
    paths.addAll(creators.keySet());
    paths.addAll(chowned.keySet());
    paths.addAll(modes.keySet());
    List<OwnershipChange> out = new ArrayList<>();
    for (String p : paths) {
      Owner creator = creators.get(p);
      if (creator != null) {
        out.add(new OwnershipChange.Created(p, creator.uid(), creator.gid()));
      }
      Owner owner = chowned.get(p);
      if (owner != null) {
        out.add(new OwnershipChange.Chown(p, owner.uid(), owner.gid()));
      }
      Integer mode = modes.get(p);
      if (mode != null) {
        out.add(new OwnershipChange.Chmod(p, mode));
      }
    }
    return out;
  }

  static Op op(OwnershipChange change) {
    return switch (change) {
      case OwnershipChange.Created c -> Op.of("created", c.path(), c.uid(), c.gid());
      case OwnershipChange.Chown c -> Op.of("chown", c.path(), c.uid(), c.gid());
      case OwnershipChange.Chmod c -> Op.of("chmod", c.path(), c.mode());
      case OwnershipChange.Forget f -> Op.of("forget", f.path());
    };
  }

  /** The change an op records, or {@code null} if it is no ownership op. */
  static OwnershipChange of(Op op) {
    return switch (op.name()) {
      case "created" -> new OwnershipChange.Created(op.arity(3, 3).string(0), op.integer(1), op.integer(2));
      case "chown" -> new OwnershipChange.Chown(op.arity(3, 3).string(0), op.integer(1), op.integer(2));
      case "chmod" -> new OwnershipChange.Chmod(op.arity(2, 2).string(0), op.integer(1) & 07777);
      case "forget" -> new OwnershipChange.Forget(op.arity(1, 1).string(0));
      default -> null;
    };
  }
}
