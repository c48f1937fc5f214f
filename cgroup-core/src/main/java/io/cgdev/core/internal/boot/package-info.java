/**
 * Booting a hierarchy: plugin discovery with {@link java.util.ServiceLoader} (each provider on its
 * own guard, problems reported as diagnostics), the {@link io.cgdev.api.spi.DriverContext} drivers
 * get, and driver probing.
 */
package io.cgdev.core.internal.boot;
