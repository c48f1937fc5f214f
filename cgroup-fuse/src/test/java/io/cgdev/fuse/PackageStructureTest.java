package io.cgdev.fuse;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module's packages form no cycle: the exported {@code io.cgdev.fuse} uses {@code
 * io.cgdev.fuse.internal}, never the other way round (the internal package reports problems with
 * its own {@code FuseException}, which {@code CgroupMount} hands on as {@code MountException}).
 * Imports the module's main classes only.
 */
class PackageStructureTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importMainClasses() throws Exception {
    Path main = Path.of(CgroupMount.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    classes = new ClassFileImporter().importPath(main);
  }

  @Test
  void everyPackageIsItsOwnSliceAndNoSlicesFormACycle() {
    slices().matching("io.cgdev.(**)").should().beFreeOfCycles().check(classes);
  }

  @Test
  void theInternalPackageNeverUsesTheExportedOne() {
    noClasses().that().resideInAPackage("io.cgdev.fuse.internal..")
        .should().dependOnClassesThat().resideInAPackage("io.cgdev.fuse")
        .check(classes);
  }
}
