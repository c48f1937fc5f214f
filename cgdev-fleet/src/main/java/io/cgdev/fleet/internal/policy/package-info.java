/** The built-in placement policies (first-fit, best-fit, frag) and FGD's fragmentation measure. */
package io.cgdev.fleet.internal.policy;
