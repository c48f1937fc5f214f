package io.cgdev.archunit;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.properties.CanBeAnnotated;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;
import com.tngtech.archunit.library.dependencies.SliceRule;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;

/**
 * The architecture rules of cgdev, as a library. Package patterns use ArchUnit's syntax ({@code
 * com.acme.gpu..} is the package and everything below it).
 *
 * <p>The boundaries: {@code io.cgdev.api} depends on the JDK alone; plugins (controllers and drivers)
 * depend on {@code io.cgdev.api} and their own packages, never on the core; they reach controllers
 * only through the capability interfaces of the api, never through a controller's classes; and
 * nothing outside cgdev uses a type marked {@code @Stability(INTERNAL)}.
 */
public final class CgdevRules {
  /** The api packages plugins may use. */
  public static final String API = "io.cgdev.api..";
  /** The core's packages. */
  public static final String CORE = "io.cgdev.core..";
  /** The core's internals. */
  public static final String CORE_INTERNAL = "io.cgdev.core.internal..";
  /** cgdev's controller packages. */
  public static final String CONTROLLERS = "io.cgdev.controller..";
  /** The DRM core model, which GPU drivers may build on. */
  public static final String DRM = "io.cgdev.drm..";
  /** The building blocks for plugins (cgroup-plugin-support), which any plugin may use. */
  public static final String SUPPORT = "io.cgdev.plugin.support..";

  private static final String STABILITY = "io.cgdev.api.Stability";

  private CgdevRules() {}

  /** {@code io.cgdev.api} depends on the JDK and itself only. */
  public static ArchRule apiDependsOnJdkOnly() {
    return classes()
        .that().resideInAPackage(API)
        .should().onlyDependOnClassesThat().resideInAnyPackage(API, "java..")
        .as("io.cgdev.api depends on the JDK alone");
  }

  /** {@code io.cgdev.api} (user-facing) does not depend on {@code io.cgdev.api.spi} (plugin-facing). */
  public static ArchRule userApiDoesNotDependOnSpi() {
    return noClasses()
        .that().resideInAPackage("io.cgdev.api")
        .should().dependOnClassesThat().resideInAPackage("io.cgdev.api.spi..")
        .as("the user-facing api does not depend on the plugin SPI");
  }

  /** Nothing outside the core touches the core's internals. */
  public static ArchRule coreInternalsStayInside() {
    return noClasses()
        .that().resideOutsideOfPackage(CORE)
        .should().dependOnClassesThat().resideInAPackage(CORE_INTERNAL)
        .as("core internals are used by the core only");
  }

  /**
   * No dependency cycle between any two packages under {@code io.cgdev} (each package is a slice of
   * its own). A {@link SliceRule}, so that a caller may {@code ignoreDependency} a known cycle.
   */
  public static SliceRule noPackageCycles() {
    return SlicesRuleDefinition.slices().matching("io.cgdev.(**)").should().beFreeOfCycles()
        .as("no package cycles in io.cgdev");
  }

  /**
   * No dependency circle among the classes of {@code packages} spans more than {@code maxClasses}
   * classes: each class that, directly or through others, names a class that names it back is in a
   * circle with it. A nested class counts as its top-level class. With {@code maxClasses} 2, two
   * classes that belong together (a cgroup and its task) may name each other; a hub that everything
   * uses and that uses everything back may not.
   *
   * @param packages e.g. {@code com.acme.gpu..}
   * @param maxClasses the largest circle allowed, at least 1 (1: no circle at all)
   */
  public static ArchRule classCyclesAtMost(String packages, int maxClasses) {
    if (maxClasses < 1) {
      throw new IllegalArgumentException("maxClasses must be at least 1: " + maxClasses);
    }
    return classes()
        .that().resideInAPackage(packages)
        .should(new ClassCycles(maxClasses))
        .as("no dependency circle among the classes of " + packages + " spans more than " + maxClasses + " classes");
  }

  /**
   * The plugin rule for a third-party controller or driver: its classes depend only on the JDK, the
   * cgdev api, the plugin building blocks, the DRM model (GPU drivers build on it), their own packages, and the extra packages
   * given (e.g. a logging API); they never touch the core or a controller's classes, and use no
   * type marked {@code @Stability(INTERNAL)}.
   *
   * <p>Check the plugin's main classes only: with JUnit, {@code @AnalyzeClasses(packages =
   * "com.acme.gpu", importOptions = ImportOption.DoNotIncludeTests.class)}; the plugin's tests use
   * the core and the kit, which the rule forbids to the plugin itself.
   *
   * @param pluginPackages the plugin's packages, e.g. {@code com.acme.gpu..}
   * @param allowedPackages further packages the plugin may use, e.g. {@code org.slf4j..}
   */
  public static ArchRule plugin(String pluginPackages, String... allowedPackages) {
    return CompositeArchRule.of(pluginDependsOnlyOnApi(pluginPackages, allowedPackages))
        .and(pluginAvoidsCore(pluginPackages))
        .and(pluginReachesControllersThroughCapabilities(pluginPackages))
        .and(pluginUsesNoInternalTypes(pluginPackages))
        .as("plugin " + pluginPackages + " keeps to the cgdev plugin boundaries");
  }

  /** The plugin depends on the JDK, the api, the DRM model, itself and the allowed packages only. */
  public static ArchRule pluginDependsOnlyOnApi(String pluginPackages, String... allowedPackages) {
    String[] allowed = new String[allowedPackages.length + 5];
    allowed[0] = "java..";
    allowed[1] = API;
    allowed[2] = DRM;
    allowed[3] = SUPPORT;
    allowed[4] = pluginPackages;
    System.arraycopy(allowedPackages, 0, allowed, 5, allowedPackages.length);
    return classes()
        .that().resideInAPackage(pluginPackages)
        .should().onlyDependOnClassesThat().resideInAnyPackage(allowed)
        .as(pluginPackages + " depends only on the JDK, io.cgdev.api, io.cgdev.plugin.support, io.cgdev.drm and itself");
  }

  /** The plugin never touches the core. */
  public static ArchRule pluginAvoidsCore(String pluginPackages) {
    return noClasses()
        .that().resideInAPackage(pluginPackages)
        .should().dependOnClassesThat().resideInAPackage(CORE)
        .as(pluginPackages + " does not depend on the core");
  }

  /** The plugin reaches controllers only through the api's capability interfaces. */
  public static ArchRule pluginReachesControllersThroughCapabilities(String pluginPackages) {
    return noClasses()
        .that().resideInAPackage(pluginPackages)
        .and().resideOutsideOfPackage(CONTROLLERS)
        .should().dependOnClassesThat().resideInAPackage(CONTROLLERS)
        .allowEmptyShould(true) // a controller plugin itself lives under io.cgdev.controller
        .as(pluginPackages + " reaches controllers only through capability interfaces");
  }

  /** The plugin uses no type marked {@code @Stability(INTERNAL)}. */
  public static ArchRule pluginUsesNoInternalTypes(String pluginPackages) {
    return noClasses()
        .that().resideInAPackage(pluginPackages)
        .should().dependOnClassesThat(markedInternal())
        .as(pluginPackages + " uses no @Stability(INTERNAL) type");
  }

  private static DescribedPredicate<JavaClass> markedInternal() {
    return DescribedPredicate.describe(
        "marked @Stability(INTERNAL)",
        c -> CanBeAnnotated.Predicates.annotatedWith(STABILITY).test(c)
            && c.getAnnotationOfType(STABILITY).get("value").map(v -> v.toString().endsWith("INTERNAL")).orElse(false));
  }
}
