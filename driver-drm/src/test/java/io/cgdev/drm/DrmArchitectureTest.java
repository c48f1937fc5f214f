package io.cgdev.drm;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
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
 * The shape of driver-drm (issue 13): the DRM model ({@code io.cgdev.drm}) and the simulated
 * hardware ({@code io.cgdev.drm.sim}) are separate parts connected by ports, no dependency circle
 * joins them, and inside them no circle spans more than the two classes that belong together (a
 * device and its client file, an engine and the entity it runs). A driver configures a device; it
 * cannot extend it.
 */
class DrmArchitectureTest {
  static final String MODEL = "io.cgdev.drm";
  static final String SIM = "io.cgdev.drm.sim";

  /**
   * Classes that may depend on each other in a circle of two, and why: a device opens its client
   * files, a file asks its device to create, run and report; an engine runs a batch of one
   * scheduler entity, and the entity knows the one engine running it (a drm_sched entity is on one
   * run queue at a time). Nothing else may form a circle.
   */
  static final Set<Set<String>> ALLOWED_PAIRS = Set.of(
      Set.of(MODEL + ".DrmDevice", MODEL + ".DrmFile"),
      Set.of(SIM + ".Engine", SIM + ".SchedEntity"));

  static JavaClasses classes;

  @BeforeAll
  static void importTheMainClasses() {
    // by location (the module's class folder or jar), so it works on the module path and with any
    // output folder (-Dcgdev.out)
    Location main = Location.of(DrmDevice.class.getProtectionDomain().getCodeSource().getLocation());
    classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importLocations(Set.of(main));
  }

  @Test
  void bothPartsAreImported() {
    assertThat(classes.stream().filter(c -> c.getPackageName().equals(MODEL)).count()).isGreaterThan(10);
    assertThat(classes.stream().filter(c -> c.getPackageName().equals(SIM)).count()).isGreaterThan(5);
  }

  @Test
  void theSimulationKnowsNothingOfTheModel() {
    noClasses().that().resideInAPackage(SIM + "..")
        .should().dependOnClassesThat().resideInAPackage(MODEL)
        .check(classes);
  }

  @Test
  void packagesAreFreeOfCycles() {
    slices().matching("io.cgdev.(**)").should().beFreeOfCycles().check(classes);
  }

  @Test
  void aDriverConfiguresADeviceRatherThanExtendingIt() {
    classes().that().haveFullyQualifiedName(DrmDevice.class.getName())
        .should().haveModifier(JavaModifier.FINAL)
        .check(classes);
  }

  /**
   * Every strongly connected set of top-level classes (nested classes count as their outer class)
   * has one class, or is one of the {@link #ALLOWED_PAIRS}.
   */
  @Test
  void noDependencyCircleSpansMoreThanTwoClassesThatBelongTogether() {
    Map<String, Set<String>> graph = new TreeMap<>();
    for (JavaClass c : classes) {
      Set<String> out = graph.computeIfAbsent(topLevel(c), k -> new TreeSet<>());
      for (Dependency d : c.getDirectDependenciesFromSelf()) {
        String target = topLevel(d.getTargetClass());
        if (target.startsWith(MODEL + ".") && !target.equals(topLevel(c))) {
          out.add(target);
        }
      }
    }
    graph.values().forEach(out -> out.retainAll(graph.keySet()));
    List<String> problems = new ArrayList<>();
    for (Set<String> component : stronglyConnected(graph)) {
      if (component.size() > 1 && !ALLOWED_PAIRS.contains(component)) {
        problems.add(component.size() + " classes depend on each other in a circle: " + component);
      }
    }
    assertThat(problems).as("dependency circles in driver-drm").isEmpty();
    assertThat(stronglyConnected(graph)).as("the allowed pair is still a pair, not more")
        .allMatch(component -> component.size() <= 2);
  }

  @Test
  void theCircleFinderFindsEveryCircleAndOnlyThose() {
    Map<String, Set<String>> g = new TreeMap<>();
    g.put("a", new TreeSet<>(Set.of("b")));
    g.put("b", new TreeSet<>(Set.of("c")));
    g.put("c", new TreeSet<>(Set.of("a")));
    g.put("d", new TreeSet<>(Set.of("a", "e")));
    g.put("e", new TreeSet<>(Set.of("d")));
    g.put("f", new TreeSet<>());
    assertThat(stronglyConnected(g)).containsExactlyInAnyOrder(Set.of("a", "b", "c"), Set.of("d", "e"), Set.of("f"));
  }

  private static String topLevel(JavaClass c) {
    String name = c.getName();
    int nested = name.indexOf('$');
    return nested < 0 ? name : name.substring(0, nested);
  }

  /** Tarjan's algorithm, iterative: the graph's strongly connected components. */
  static List<Set<String>> stronglyConnected(Map<String, Set<String>> graph) {
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    Set<String> onStack = new TreeSet<>();
    List<Set<String>> components = new ArrayList<>();
    int[] next = {0};
    for (String root : graph.keySet()) {
      if (index.containsKey(root)) {
        continue;
      }
      Deque<Map.Entry<String, java.util.Iterator<String>>> work = new ArrayDeque<>();
      visit(root, index, low, stack, onStack, next);
      work.push(Map.entry(root, graph.get(root).iterator()));
      while (!work.isEmpty()) {
        Map.Entry<String, java.util.Iterator<String>> top = work.peek();
        String v = top.getKey();
        if (top.getValue().hasNext()) {
          String w = top.getValue().next();
          if (!index.containsKey(w)) {
            visit(w, index, low, stack, onStack, next);
            work.push(Map.entry(w, graph.get(w).iterator()));
          } else if (onStack.contains(w)) {
            low.put(v, Math.min(low.get(v), index.get(w)));
          }
          continue;
        }
        work.pop();
        if (!work.isEmpty()) {
          String parent = work.peek().getKey();
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
          components.add(component);
        }
      }
    }
    return components;
  }

  private static void visit(String v, Map<String, Integer> index, Map<String, Integer> low, Deque<String> stack,
      Set<String> onStack, int[] next) {
    index.put(v, next[0]);
    low.put(v, next[0]);
    next[0]++;
    stack.push(v);
    onStack.add(v);
  }
}
