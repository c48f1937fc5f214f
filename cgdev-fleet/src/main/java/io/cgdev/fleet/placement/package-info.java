/**
 * The placement SPI: {@link io.cgdev.fleet.placement.PlacementPolicy} and the read-only views of the
 * cluster it decides on ({@link io.cgdev.fleet.placement.ClusterView}, {@link
 * io.cgdev.fleet.placement.NodeView}, {@link io.cgdev.fleet.placement.WorkloadProfile}).
 */
package io.cgdev.fleet.placement;
