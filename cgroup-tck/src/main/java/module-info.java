/**
 * The cgdev conformance kit: abstract JUnit 5 test classes a third-party driver or controller
 * extends to check itself against cgdev's rules (docs/TCK.md): the charging policy
 * (docs/CHARGING_POLICY.md), the file formats and the errno of bad writes.
 *
 * <p>A driver author implements {@link io.cgdev.tck.DriverUnderTest} and extends {@link
 * io.cgdev.tck.DriverConformance}; a controller author extends {@link
 * io.cgdev.tck.ControllerConformance}. The kit opens its packages to JUnit so the inherited test
 * methods run from the author's test module.
 */
module io.cgdev.tck {
  requires transitive io.cgdev.api;
  requires transitive io.cgdev.core;
  requires transitive org.junit.jupiter.api;

  exports io.cgdev.tck;
  opens io.cgdev.tck to org.junit.platform.commons;
}
