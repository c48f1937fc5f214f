/**
 * The metrics endpoint: {@link io.cgdev.metrics.MetricsServer} and the address it listens on,
 * {@link io.cgdev.metrics.MetricsAddress}. How the tree becomes metrics lives in the non-exported
 * {@code io.cgdev.metrics.internal}.
 */
package io.cgdev.metrics;
