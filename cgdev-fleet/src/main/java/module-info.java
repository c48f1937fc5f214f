/**
 * The fleet replay: a GPU cluster trace (the Alibaba GPU trace v2023 built in, {@code
 * io.cgdev.fleet.trace}) replayed on nodes that are each their own booted cgdev hierarchy, with the
 * node's GPUs as devices of a generic GPU driver on the DRM model and the pods as cgroups. Placement
 * policies are plugins ({@code io.cgdev.fleet.placement}); the replay ({@link io.cgdev.fleet.FleetReplay})
 * places pods, enforces their GPU shares through the file view and shares device time with an
 * event-driven fluid engine, in parallel across nodes; {@code io.cgdev.fleet.report} writes the
 * comparison (JSON, HTML). docs/FLEET.md describes the model.
 *
 * @uses io.cgdev.fleet.placement.PlacementPolicy the placement policies, built-in and third-party
 * @uses io.cgdev.api.spi.Controller the memory and cpu controllers each node boots
 * @provides io.cgdev.fleet.placement.PlacementPolicy first-fit, best-fit and frag
 */
module io.cgdev.fleet {
  requires transitive io.cgdev.api;
  requires transitive io.cgdev.sim; // progress reporting
  requires io.cgdev.core;
  requires io.cgdev.drm;
  requires tools.jackson.core;
  requires tools.jackson.databind;

  exports io.cgdev.fleet;
  exports io.cgdev.fleet.placement;
  exports io.cgdev.fleet.trace;
  exports io.cgdev.fleet.report;

  uses io.cgdev.fleet.placement.PlacementPolicy;
  uses io.cgdev.api.spi.Controller;

  provides io.cgdev.fleet.placement.PlacementPolicy with
      io.cgdev.fleet.internal.policy.FirstFit,
      io.cgdev.fleet.internal.policy.BestFit,
      io.cgdev.fleet.internal.policy.FragmentationAware;
}
