/** The placement replay: the cluster's allocation state, pods placed and pending in simulated-time order. */
package io.cgdev.fleet.internal.replay;
