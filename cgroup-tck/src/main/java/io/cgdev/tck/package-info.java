/**
 * The conformance kit: {@link io.cgdev.tck.DriverConformance} and {@link
 * io.cgdev.tck.ControllerConformance} are abstract JUnit 5 test classes a plugin author extends;
 * {@link io.cgdev.tck.FileRules} holds the file-view rules both apply. See docs/TCK.md.
 */
package io.cgdev.tck;
