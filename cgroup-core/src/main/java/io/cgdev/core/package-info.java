/** The core's entry point: {@link io.cgdev.core.Cgroups} boots a hierarchy with its plugins. */
package io.cgdev.core;
