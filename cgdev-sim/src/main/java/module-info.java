/**
 * The cgdev simulator: scenario files ({@code io.cgdev.sim.scenario}: the model, its parser with
 * {@code FILE:LINE: field:} errors, the tree builder), the engine that runs a scenario's workloads on
 * DRM devices in simulated or real time ({@code io.cgdev.sim}), and the report ({@code
 * io.cgdev.sim.report}: JSON, HTML with SVG charts, a text table) and the fluid model of
 * device-time sharing ({@code io.cgdev.sim.fluid}: the reference share, reusable on its own). It drives a hierarchy only
 * through the file view ({@link io.cgdev.api.CgroupFs}) and the devices' DRM API, so it needs no
 * core: the caller boots one (the cgdev tool, tests) and hands over its file view, tasks and devices.
 */
module io.cgdev.sim {
  requires transitive io.cgdev.api;
  requires transitive io.cgdev.drm; // the runner takes and returns DRM devices
  requires org.slf4j;
  requires tools.jackson.core;
  requires tools.jackson.databind;
  requires org.snakeyaml.engine;

  exports io.cgdev.sim;
  exports io.cgdev.sim.fluid; // the fluid model, for the report and event-driven engines (issue 18)
  exports io.cgdev.sim.report;
  exports io.cgdev.sim.scenario;
}
