package io.cgdev.sim;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The simulator's inner structure: no package cycle, and no dependency circle that spans more than
 * two classes (a pair that belongs together, such as a type and the one class that builds it, may
 * name each other). Nested classes count as classes of their own, so a nest of streams that all
 * reach back into their outer class is a circle too. Reads the module's compiled main classes.
 */
class SimulatorArchitectureTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importMainClasses() throws URISyntaxException {
    Path main = Path.of(ScenarioRunner.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    classes = new ClassFileImporter().importPath(main);
  }

  @Test
  void everyPackageIsImported() {
    Set<String> packages = new TreeSet<>();
    classes.forEach(c -> packages.add(c.getPackageName()));
    assertThat(packages).contains("io.cgdev.sim", "io.cgdev.sim.scenario", "io.cgdev.sim.report");
  }

  @Test
  void noPackageCycles() {
    slices().matching("io.cgdev.sim.(**)").should().beFreeOfCycles().check(classes);
  }

  @Test
  void noDependencyCircleSpansMoreThanTwoClasses() {
    List<Set<String>> tooLarge = new ArrayList<>();
    for (Set<String> circle : stronglyConnected(graph())) {
      if (circle.size() > 2) {
        tooLarge.add(circle);
      }
    }
    assertThat(tooLarge).as("dependency circles of more than two classes").isEmpty();
  }

  /** Class name to the simulator classes it depends on (arrays count as their element type). */
  private static Map<String, Set<String>> graph() {
    Map<String, Set<String>> edges = new TreeMap<>();
    for (JavaClass c : classes) {
      if (c.getSimpleName().equals("module-info")) {
        continue;
      }
      Set<String> to = edges.computeIfAbsent(c.getName(), k -> new TreeSet<>());
      for (Dependency d : c.getDirectDependenciesFromSelf()) {
        JavaClass target = d.getTargetClass().getBaseComponentType();
        if (target.getPackageName().startsWith("io.cgdev.sim") && !target.getName().equals(c.getName())) {
          to.add(target.getName());
        }
      }
    }
    return edges;
  }

  /** Tarjan's strongly connected components: each is a set of classes that all reach each other. */
  private static List<Set<String>> stronglyConnected(Map<String, Set<String>> edges) {
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    Set<String> onStack = new java.util.HashSet<>();
    List<Set<String>> out = new ArrayList<>();
    int[] next = {0};
    for (String v : edges.keySet()) {
      if (!index.containsKey(v)) {
        connect(v, edges, index, low, stack, onStack, out, next);
      }
    }
    return out;
  }

  private static void connect(String v, Map<String, Set<String>> edges, Map<String, Integer> index,
      Map<String, Integer> low, Deque<String> stack, Set<String> onStack, List<Set<String>> out, int[] next) {
    index.put(v, next[0]);
    low.put(v, next[0]);
    next[0]++;
    stack.push(v);
    onStack.add(v);
    for (String w : edges.getOrDefault(v, Set.of())) {
      if (!index.containsKey(w)) {
        connect(w, edges, index, low, stack, onStack, out, next);
        low.put(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.contains(w)) {
        low.put(v, Math.min(low.get(v), index.get(w)));
      }
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
