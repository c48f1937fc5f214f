package io.cgdev.fuse;

import io.cgdev.api.OwnershipChange;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Where a mount keeps the owners and permission bits that {@code chown}, {@code chmod} and {@code
 * mkdir} set through it, which the file view has no place for (e.g. a state file: {@code cgdev mount
 * --state}). Without one ({@link #NONE}) they live as long as the mount.
 *
 * <p>Called by the mount: {@link #recorded} once, before it answers its first request; {@link
 * #record} and {@link #atomically} on libfuse's worker threads, several at once, while a request is
 * served — its reply is sent after they return.
 */
public interface OwnershipJournal {
  /** Keeps nothing. */
  OwnershipJournal NONE = of(List::of, change -> {}, Runnable::run);

  /**
   * A journal made of its three parts, e.g. {@code of(state::ownership, state::record,
   * state::atomically)} for a state file.
   */
  static OwnershipJournal of(Supplier<List<OwnershipChange>> recorded, Consumer<OwnershipChange> record,
      Consumer<Runnable> atomically) {
    return new OwnershipJournal() {
      @Override
      public List<OwnershipChange> recorded() {
        return recorded.get();
      }

      @Override
      public void record(OwnershipChange change) {
        record.accept(change);
      }

      @Override
      public void atomically(Runnable request) {
        atomically.accept(request);
      }
    };
  }

  /** The changes kept before this mount, oldest first; the mount makes them before it serves. */
  List<OwnershipChange> recorded();

  /**
   * Keeps a change the mount has just made.
   *
   * @throws io.cgdev.api.CgroupException to fail the request that made it (e.g. {@code EIO})
   */
  void record(OwnershipChange change);

  /**
   * Runs the part of one request that changes the tree and the owners together ({@code mkdir}: the
   * cgroup, its creator and its mode; {@code rmdir}; a {@code setattr} of mode and owner), so that
   * they are kept together; whatever {@code request} throws goes on to the caller.
   */
  void atomically(Runnable request);
}
