/**
 * The file view ({@link io.cgdev.api.CgroupFs}) over the hierarchy, errno-faithful like kernfs:
 * path resolution into {@link io.cgdev.core.internal.fs.Node nodes}, folder listings, and open
 * handles whose reads run without a lock and whose writes run under the hierarchy lock.
 */
package io.cgdev.core.internal.fs;
