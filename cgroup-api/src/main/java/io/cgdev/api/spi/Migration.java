package io.cgdev.api.spi;

import io.cgdev.api.Stability;
import io.cgdev.api.Task;

/**
 * A task moving between cgroups, as shown to {@link Controller#canAttach} and {@link
 * Controller#attach}.
 *
 * @param task the moving task
 * @param from its cgroup now
 * @param to its destination
 */
@Stability(Stability.Status.STABLE)
public record Migration(Task task, CgroupHandle from, CgroupHandle to) {}
