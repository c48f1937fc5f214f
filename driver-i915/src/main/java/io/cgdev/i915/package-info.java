/** The i915 example driver: its provider, device and descriptor. */
package io.cgdev.i915;
