/**
 * The guard around plugin code: {@link io.cgdev.core.internal.guard.PluginGuard} turns what a
 * controller or driver throws where it must not into an {@code EIO} error for the operation at hand
 * and a {@code CGDEV-PLUGIN-FAULT} diagnostic; {@link io.cgdev.core.internal.guard.Diagnostics}
 * collects and logs diagnostics; {@link io.cgdev.core.internal.guard.Plugin} names a plugin by its
 * class, module and jar. Depends on the api only, so the boot, hierarchy and file-view packages all
 * use it.
 */
package io.cgdev.core.internal.guard;
