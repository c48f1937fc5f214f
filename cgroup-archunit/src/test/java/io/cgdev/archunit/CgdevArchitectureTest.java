package io.cgdev.archunit;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Holds cgdev's own modules to the rules third-party plugins get from {@link CgdevRules}. */
class CgdevArchitectureTest {
  private static final String TESTKIT = "io.cgdev.testkit..";
  private static JavaClasses classes;

  @BeforeAll
  static void importOurModules() {
    classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.cgdev");
  }

  /** Guards every rule below against passing vacuously because a module was not imported. */
  @ParameterizedTest
  @ValueSource(strings = {
    "io.cgdev.api", "io.cgdev.api.spi", "io.cgdev.core", "io.cgdev.controller.memory", "io.cgdev.controller.cpu",
    "io.cgdev.controller.cpuset", "io.cgdev.drm", "io.cgdev.i915", "io.cgdev.testkit"
  })
  void everyModuleIsImported(String pkg) {
    assertThat(classes.stream().filter(c -> c.getPackageName().equals(pkg)).count()).as(pkg).isPositive();
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

  @Test
  void noPackageCycles() {
    CgdevRules.noPackageCycles().check(classes);
  }

  @ParameterizedTest
  @ValueSource(strings = {"io.cgdev.controller.memory..", "io.cgdev.controller.cpu..", "io.cgdev.controller.cpuset.."})
  void controllersArePlugins(String pkg) {
    CgdevRules.plugin(pkg, "org.slf4j..").check(classes);
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
}
