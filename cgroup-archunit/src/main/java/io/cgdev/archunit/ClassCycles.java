package io.cgdev.archunit;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The condition behind {@link CgdevRules#classCyclesAtMost}: the dependency graph of the classes
 * under test (nested classes folded into their top-level class) is cut into its strongly connected
 * components (Tarjan's algorithm), and each component larger than the limit is reported once, on its
 * first class by name, listing every member. Components are found once, in {@link #init}.
 */
final class ClassCycles extends ArchCondition<JavaClass> {
  private final int maxClasses;
  /** Top-level class name to the members of its component, for components over the limit. */
  private Map<String, Set<String>> tooLarge = Map.of();

  ClassCycles(int maxClasses) {
    super("be in no dependency circle of more than " + maxClasses + " classes");
    this.maxClasses = maxClasses;
  }

  @Override
  public void init(Collection<JavaClass> all) {
    Map<String, Set<String>> graph = new TreeMap<>();
    for (JavaClass c : all) {
      graph.computeIfAbsent(topLevel(c).getName(), k -> new TreeSet<>());
    }
    for (JavaClass c : all) {
      String from = topLevel(c).getName();
      for (Dependency d : c.getDirectDependenciesFromSelf()) {
        JavaClass target = d.getTargetClass();
        if (target.isArray()) {
          target = target.getBaseComponentType();
        }
        String to = topLevel(target).getName();
        if (!to.equals(from) && graph.containsKey(to)) {
          graph.get(from).add(to);
        }
      }
    }
    Map<String, Set<String>> found = new HashMap<>();
    for (Set<String> component : components(graph)) {
      if (component.size() > maxClasses) {
        found.put(component.iterator().next(), component);
      }
    }
    tooLarge = found;
  }

  @Override
  public void check(JavaClass item, ConditionEvents events) {
    Set<String> component = tooLarge.get(item.getName());
    if (component != null) {
      events.add(SimpleConditionEvent.violated(item, item.getName() + " is in a dependency circle of "
          + component.size() + " classes: " + component));
    }
  }

  private static JavaClass topLevel(JavaClass c) {
    JavaClass t = c;
    while (t.getEnclosingClass().isPresent()) {
      t = t.getEnclosingClass().get();
    }
    return t;
  }

  /** The strongly connected components, each sorted by name; iterative Tarjan, so deep graphs cannot overflow the stack. */
  static List<Set<String>> components(Map<String, Set<String>> graph) {
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    Set<String> onStack = new HashSet<>();
    List<Set<String>> out = new ArrayList<>();
    int[] next = {0};
    for (String root : graph.keySet()) {
      if (index.containsKey(root)) {
        continue;
      }
      // each frame: a node and the iterator over its successors
      Deque<Map.Entry<String, Iterator<String>>> frames = new ArrayDeque<>();
      enter(root, graph, index, low, stack, onStack, frames, next);
      while (!frames.isEmpty()) {
        Map.Entry<String, Iterator<String>> top = frames.peek();
        String v = top.getKey();
        if (top.getValue().hasNext()) {
          String w = top.getValue().next();
          if (!index.containsKey(w)) {
            enter(w, graph, index, low, stack, onStack, frames, next);
          } else if (onStack.contains(w)) {
            low.put(v, Math.min(low.get(v), index.get(w)));
          }
        } else {
          frames.pop();
          if (!frames.isEmpty()) {
            String parent = frames.peek().getKey();
            low.put(parent, Math.min(low.get(parent), low.get(v)));
          }
          if (low.get(v).equals(index.get(v))) {
            Set<String> component = new TreeSet<>();
            String w;
            do {
              w = stack.pop();
              onStack.remove(w);
              component.add(w);
            } while (!w.equals(v));
            out.add(component);
          }
        }
      }
    }
    return out;
  }

  private static void enter(String v, Map<String, Set<String>> graph, Map<String, Integer> index, Map<String, Integer> low,
      Deque<String> stack, Set<String> onStack, Deque<Map.Entry<String, Iterator<String>>> frames, int[] next) {
    index.put(v, next[0]);
    low.put(v, next[0]);
    next[0]++;
    stack.push(v);
    onStack.add(v);
    frames.push(Map.entry(v, graph.getOrDefault(v, Set.of()).iterator()));
  }
}
