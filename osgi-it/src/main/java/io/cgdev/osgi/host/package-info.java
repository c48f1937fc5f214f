/**
 * The part of the host bundle {@code io.cgdev.osgi} that runs inside the OSGi framework: {@link
 * io.cgdev.osgi.host.CgdevHost} boots the hierarchy and {@link io.cgdev.osgi.host.DriverTracker}
 * follows driver bundles. OSGi-specific code lives here only, never in plugins.
 */
package io.cgdev.osgi.host;
