/**
 * Launching cgdev in an embedded OSGi framework: {@link io.cgdev.osgi.OsgiRuntime} installs and
 * starts the bundles in the right order, {@link io.cgdev.osgi.FelixDemo} runs the demo. These classes
 * live outside the framework; {@code io.cgdev.osgi.host} runs inside it.
 */
package io.cgdev.osgi;
