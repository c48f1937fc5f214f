package io.cgdev.archunit;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Holds cgdev's own modules to the rules third-party plugins get from {@link CgdevRules}. Every
 * module with main code is on this module's test class path (see its pom) and every {@code
 * io.cgdev} package is imported; {@link #everyPackageOfEveryModuleIsImported} fails, naming the
 * packages, when a module is missing, so that no rule passes because its subject was not looked at.
 */
class CgdevArchitectureTest {
  private static final String TESTKIT = "io.cgdev.testkit..";
  private static JavaClasses classes;

  @BeforeAll
  static void importOurModules() {
    classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.cgdev");
  }

  /** The packages of the main code of every module of the build: the folders beside this module's. */
  private static Set<String> packagesOfEveryModule() throws IOException {
    Set<String> out = new TreeSet<>();
    try (Stream<Path> modules = Files.list(Path.of(".."))) {
      for (Path main : modules.map(m -> m.resolve("src/main/java")).filter(Files::isDirectory).toList()) {
        try (Stream<Path> files = Files.walk(main)) {
          for (Path f : files.filter(f -> f.toString().endsWith(".java")).toList()) {
            String name = f.getFileName().toString();
            if (!name.equals("module-info.java") && !name.equals("package-info.java")) {
              out.add(main.relativize(f.getParent()).toString().replace(File.separatorChar, '.'));
            }
          }
        }
      }
    }
    return out;
  }

  @Test
  void everyPackageOfEveryModuleIsImported() throws IOException {
    Set<String> packages = packagesOfEveryModule();
    assertThat(packages).as("the build's modules were found").contains("io.cgdev.api", "io.cgdev.core", "io.cgdev.archunit");
    Set<String> imported = classes.stream().map(JavaClass::getPackageName).collect(Collectors.toSet());
    assertThat(imported).as("packages with main code whose module is not a test dependency of cgroup-archunit")
        .containsAll(packages);
  }

  @Test
  void apiDependsOnTheJdkAlone() {
    CgdevRules.apiDependsOnJdkOnly().check(classes);
  }

  @Test
  void userApiDoesNotDependOnSpi() {
    CgdevRules.userApiDoesNotDependOnSpi().check(classes);
  }

  @Test
  void coreInternalsAreUsedByTheCoreOnly() {
    CgdevRules.coreInternalsStayInside().check(classes.that(resideOutsideOfPackage(TESTKIT)));
  }

  /** No package cycle anywhere, in any module. */
  @Test
  void noPackageCycles() {
    CgdevRules.noPackageCycles().check(classes);
  }

  /**
   * Inside the core no dependency circle spans more than two classes: Hierarchy orchestrates, and the
   * classes it hands work to hold no reference back to it (the one pair left: a cgroup and its
   * tasks).
   */
  @Test
  void coreClassesFormNoCircleOfMoreThanTwo() {
    CgdevRules.classCyclesAtMost(CgdevRules.CORE, 2).check(classes);
  }

  /** The test kit too: the tree and one binding of it. */
  @Test
  void testkitClassesFormNoCircleOfMoreThanTwo() {
    CgdevRules.classCyclesAtMost(TESTKIT, 2).check(classes);
  }

  @ParameterizedTest
  @ValueSource(strings = {"io.cgdev.controller.memory..", "io.cgdev.controller.cpu..", "io.cgdev.controller.cpuset.."})
  void controllersArePlugins(String pkg) {
    CgdevRules.plugin(pkg, "org.slf4j..").check(classes);
  }

  @ParameterizedTest
  @ValueSource(strings = {"io.cgdev.sample.gem..", "io.cgdev.sample.rdma.."})
  void theSamplesArePlugins(String pkg) {
    CgdevRules.plugin(pkg).check(classes);
  }

  /** The building blocks are a library on the api: nothing of the core, the controllers or the drivers. */
  @Test
  void thePluginSupportNeedsTheApiOnly() {
    classes().that().resideInAPackage(CgdevRules.SUPPORT)
        .should().onlyDependOnClassesThat().resideInAnyPackage("java..", CgdevRules.API, CgdevRules.SUPPORT)
        .check(classes);
  }

  @ParameterizedTest
  @ValueSource(strings = {"io.cgdev.drm..", "io.cgdev.i915.."})
  void driversArePlugins(String pkg) {
    CgdevRules.plugin(pkg, "org.slf4j..", "tools.jackson..").check(classes);
  }

  /**
   * The testkit is a thin layer over the core's hierarchy package, which the core exports to it
   * alone; beyond that it keeps to the plugin rules.
   */
  @Test
  void theTestkitNeedsTheApiAndTheCoresHierarchyOnly() {
    classes().that().resideInAPackage(TESTKIT)
        .should().onlyDependOnClassesThat().resideInAnyPackage("java..", CgdevRules.API, TESTKIT, "io.cgdev.core.internal.hierarchy")
        .check(classes);
    CgdevRules.pluginUsesNoInternalTypes(TESTKIT).check(classes);
  }

  @Test
  void controllersDoNotKnowEachOtherOrDrivers() {
    for (String c : List.of("memory", "cpu", "cpuset")) {
      String own = "io.cgdev.controller." + c + "..";
      noClasses().that().resideInAPackage(own)
          .should().dependOnClassesThat().resideInAnyPackage("io.cgdev.drm..", "io.cgdev.i915..")
          .check(classes);
      for (String other : List.of("memory", "cpu", "cpuset")) {
        if (!other.equals(c)) {
          noClasses().that().resideInAPackage(own)
              .should().dependOnClassesThat().resideInAPackage("io.cgdev.controller." + other + "..")
              .check(classes);
        }
      }
    }
  }

  @Test
  void theDrmModelDoesNotKnowTheI915Driver() {
    noClasses().that().resideInAPackage("io.cgdev.drm..")
        .should().dependOnClassesThat().resideInAPackage("io.cgdev.i915..")
        .check(classes);
  }

  /**
   * The fleet boots every node through the core's exported type and finds controllers by ServiceLoader, so
   * it knows no controller and no driver but its own generic GPU on the DRM model; the placement SPI that
   * policy plugins see reaches nothing of the fleet's internals.
   */
  @Test
  void theFleetKnowsNoControllerAndItsPlacementSpiNoInternals() {
    noClasses().that().resideInAPackage("io.cgdev.fleet..")
        .should().dependOnClassesThat().resideInAnyPackage("io.cgdev.controller..", "io.cgdev.i915..")
        .check(classes);
    noClasses().that().resideInAPackage("io.cgdev.fleet.placement..")
        .should().dependOnClassesThat().resideInAnyPackage("io.cgdev.fleet.internal..", "io.cgdev.fleet.report..")
        .check(classes);
  }
}
