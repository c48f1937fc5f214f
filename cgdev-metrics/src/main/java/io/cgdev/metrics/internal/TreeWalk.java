package io.cgdev.metrics.internal;

import io.cgdev.api.CgroupException;
import io.cgdev.api.CgroupFs;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveTask;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * One walk of a tree ({@link TreeScan}'s rules) on a fork/join pool, whose output keeps the order of a
 * serial walk: parents before children, siblings in listing order. Each thread writes into segments
 * of its own ({@code S}, e.g. a {@link TextExposition.Segment}); {@link #run} returns them in walk
 * order, so that concatenating them family by family gives the serial walk's text byte for byte.
 *
 * <p>How: a thread walks depth first with a stack of its own. When it meets a cgroup with two
 * children or more while its pool queue is empty, it offers the second half of them as a task and
 * puts a marker where their output belongs (after the first half's subtrees). When the walk reaches
 * the marker, the task was either taken by an idle thread (its segments are joined in at that place)
 * or not (the thread takes it back and walks it itself, into the same segment). So a new segment
 * starts only where another thread really took over, and a shape that does not split (a chain of
 * single children) is walked with the stack, never by recursion.
 *
 * <p>Takes no lock; the file view's listings and reads are lock-free. A cgroup removed while the walk
 * runs is left out with its subtree.
 *
 * @param <S> the segment type
 */
final class TreeWalk<S> {
  /** Receives the per-device folders, with the segment of the thread that found them. */
  @FunctionalInterface
  interface Visitor<S> {
    /** As {@link TreeScan.Visitor#deviceFolder}; {@code segment} belongs to the calling thread. */
    void deviceFolder(S segment, String cgroup, String device, String folder, List<String> files);
  }

  private final CgroupFs fs;
  private final TreeScan.Controllers controllers;
  private final Supplier<S> segments;
  private final Visitor<S> visitor;
  private final LongAdder cgroups = new LongAdder();

  TreeWalk(CgroupFs fs, TreeScan.Controllers controllers, Supplier<S> segments, Visitor<S> visitor) {
    this.fs = fs;
    this.controllers = controllers;
    this.segments = segments;
    this.visitor = visitor;
  }

  /**
   * Walks the tree on {@code pool} (the caller waits) and returns the segments written, in walk
   * order; none for an empty or closed tree.
   */
  List<S> run(ForkJoinPool pool) {
    return pool.invoke(new Part(List.of("/"))).pieces;
  }

  /** The cgroups the last {@link #run} walked. */
  int cgroups() {
    return cgroups.intValue();
  }

  /** The segments of one part of the walk, in order; the last one is still being written. */
  private final class Chain {
    final List<S> pieces = new ArrayList<>();
    S current;

    S current() {
      if (current == null) {
        current = segments.get();
        pieces.add(current);
      }
      return current;
    }

    /** Puts another part's segments next; what follows goes into a new segment. */
    void append(Chain other) {
      pieces.addAll(other.pieces);
      current = null;
    }
  }

  /** A run of sibling cgroups with their subtrees, walked as a task. */
  private final class Part extends RecursiveTask<Chain> {
    @java.io.Serial
    private static final long serialVersionUID = 1L; // never serialised: a task lives for one walk
    final transient List<String> siblings;

    Part(List<String> siblings) {
      this.siblings = siblings;
    }

    @Override
    protected Chain compute() {
      Chain chain = new Chain();
      walk(siblings, chain);
      return chain;
    }
  }

  private void walk(List<String> start, Chain chain) {
    Deque<Object> todo = new ArrayDeque<>();
    pushAll(todo, start, start.size());
    TreeScan.Visitor into = (cgroup, device, folder, files) ->
        visitor.deviceFolder(chain.current(), cgroup, device, folder, files);
    while (!todo.isEmpty()) {
      Object next = todo.pop();
      if (next instanceof TreeWalk<?>.Part p) {
        @SuppressWarnings("unchecked")
        Part part = (Part) p;
        if (part.tryUnfork()) {
          pushAll(todo, part.siblings, part.siblings.size());
        } else {
          chain.append(part.join());
        }
        continue;
      }
      String cgroup = (String) next;
      List<String> children;
      try {
        children = TreeScan.cgroup(fs, cgroup, controllers, into);
      } catch (CgroupException e) {
        continue; // removed while we looked: its subtree went with it
      }
      cgroups.increment();
      int keep = children.size();
      if (keep >= 2 && ForkJoinTask.getSurplusQueuedTaskCount() <= 0) {
        keep /= 2;
        Part offered = new Part(List.copyOf(children.subList(keep, children.size())));
        offered.fork();
        todo.push(offered);
      }
      pushAll(todo, children, keep);
    }
  }

  /** Pushes the first {@code n} of {@code cgroups} so that the first is popped first. */
  private static void pushAll(Deque<Object> todo, List<String> cgroups, int n) {
    for (int i = n - 1; i >= 0; i--) {
      todo.push(cgroups.get(i));
    }
  }
}
