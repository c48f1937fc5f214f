/**
 * The fluid model of device-time sharing: what the cpu controller's scheduler would give every
 * client if time were infinitely divisible. A {@link io.cgdev.sim.fluid.FluidTree} describes one
 * device at one moment — its engines, the cgroups as groups with {@code cpu.weight}, a {@code cpu.max}
 * cap and a cpuset engine mask, the clients as leaves with a demand — and {@link
 * io.cgdev.sim.fluid.FluidSolver} computes each client's rate in engines' worth, per engine, and what
 * bounded it ({@link io.cgdev.sim.fluid.Bound}).
 *
 * <p>The semantics are the controller's own (docs/CPU.md): on every engine, weights apply level by level
 * among the siblings that have work for that engine; a cap counts a group's time on all engines; a
 * client runs only on the engines of its class its cgroup's mask allows; a client that asks for less
 * than its share gets what it asks and leaves the rest to the others (work conservation). The report
 * uses it as the reference share of a run; an event-driven simulation can use it to advance device time
 * between events. Plain Java, no dependency on the rest of cgdev.
 */
package io.cgdev.sim.fluid;
