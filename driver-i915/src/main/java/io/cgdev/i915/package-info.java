/** The i915 example driver: its provider, its descriptor and how it configures a DRM device from it. */
package io.cgdev.i915;
