/**
 * Building blocks for plugin authors: {@link io.cgdev.plugin.support.HierarchicalCounter}, {@link
 * io.cgdev.plugin.support.BindingBase}, {@link io.cgdev.plugin.support.Registrar}. See
 * docs/PLUGINS.md.
 */
package io.cgdev.plugin.support;
