/**
 * The fleet replay's entry point ({@link io.cgdev.fleet.FleetReplay}), its options and results, and
 * the placement policies found with ServiceLoader ({@link io.cgdev.fleet.Policies}).
 */
package io.cgdev.fleet;
