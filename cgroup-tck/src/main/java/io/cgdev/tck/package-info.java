/**
 * The conformance kit: {@link io.cgdev.tck.DriverConformance} and {@link
 * io.cgdev.tck.ControllerConformance} are abstract JUnit 5 test classes a plugin author extends;
 * {@link io.cgdev.tck.FileRules} holds the file-view rules both apply; a {@link io.cgdev.tck.Meter}
 * tells the driver tests which files show what an allocation charges (bytes, object counts). See
 * docs/TCK.md.
 */
package io.cgdev.tck;
