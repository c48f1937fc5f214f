/**
 * Reusable ArchUnit rules for cgdev plugins. A third-party plugin author holds a plugin to the
 * cgdev boundaries in one line:
 *
 * <pre>{@code
 * @AnalyzeClasses(packages = "com.acme.gpu")
 * class BoundariesTest {
 *   @ArchTest static final ArchRule plugin = CgdevRules.plugin("com.acme.gpu..");
 * }
 * }</pre>
 *
 * cgdev's own modules are held to the same rules by this module's tests.
 */
module io.cgdev.archunit {
  requires transitive com.tngtech.archunit;

  exports io.cgdev.archunit;
}
