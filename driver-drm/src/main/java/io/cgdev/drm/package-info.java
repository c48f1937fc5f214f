/**
 * The DRM core model: devices, clients, GEM objects, memory regions and their allocators, engine
 * scheduling and client usage stats. Everything a device does is serialised by one re-entrant
 * device lock; calls into the cgroup framework that may take its hierarchy lock (register,
 * unregister, looking up a task's cgroup) are made outside it.
 */
package io.cgdev.drm;
