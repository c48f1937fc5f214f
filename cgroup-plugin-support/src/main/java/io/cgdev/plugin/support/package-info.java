/**
 * Building blocks for plugin authors: {@link io.cgdev.plugin.support.HierarchicalCounter}, {@link
 * io.cgdev.plugin.support.BindingBase}, {@link io.cgdev.plugin.support.Registrar}, and pressure
 * stall information ({@link io.cgdev.plugin.support.PressureGroup}). See docs/PLUGINS.md and
 * docs/SEMANTICS.md.
 */
package io.cgdev.plugin.support;
