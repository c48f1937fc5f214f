/**
 * Reusable ArchUnit rules for cgdev plugins. A third-party plugin author holds a plugin to the
 * cgdev boundaries in one line (a test class in the plugin's own test sources):
 *
 * <pre>{@code
 * import com.tngtech.archunit.core.importer.ImportOption;
 * import com.tngtech.archunit.junit.AnalyzeClasses;
 * import com.tngtech.archunit.junit.ArchTest;
 * import com.tngtech.archunit.lang.ArchRule;
 * import io.cgdev.archunit.CgdevRules;
 *
 * @AnalyzeClasses(packages = "com.acme.gpu", importOptions = ImportOption.DoNotIncludeTests.class)
 * class BoundariesTest {
 *   @ArchTest static final ArchRule plugin = CgdevRules.plugin("com.acme.gpu..");
 * }
 * }</pre>
 *
 * <p>{@code DoNotIncludeTests} matters: the plugin's tests (this one, the conformance kit's
 * subclasses) live in the same packages and use the core, the kit and JUnit, which the rule forbids
 * to the plugin's own code; without it the rule reports them. See docs/PLUGINS.md.
 *
 * cgdev's own modules are held to the same rules by this module's tests.
 */
module io.cgdev.archunit {
  requires transitive com.tngtech.archunit;

  exports io.cgdev.archunit;
}
