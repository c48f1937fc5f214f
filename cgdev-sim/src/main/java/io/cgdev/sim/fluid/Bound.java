package io.cgdev.sim.fluid;

/** What stopped a leaf's rate from growing further in a {@link FluidSolver} solution. */
public enum Bound {
  /** It got all it asked for: its demand is met. */
  DEMAND,
  /** A {@code cpu.max} cap of the leaf or of a group above it is used up ({@link FluidAllocation#boundNode}). */
  CAP,
  /** Every engine it may use is busy: it got its weighted share of them. */
  SHARE,
  /** It may use no engine with any capacity (its mask and class leave none): rate 0. */
  NO_ENGINE
}
