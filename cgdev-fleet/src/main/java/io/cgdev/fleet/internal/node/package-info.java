/**
 * One node's simulation: its booted hierarchy with a generic GPU driver, the pods as cgroups, the
 * enforcement mapping, the demand model and the event-driven engine with its share model.
 */
package io.cgdev.fleet.internal.node;
