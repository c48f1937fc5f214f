/**
 * The core's hierarchy for plugin unit tests. Start with {@link io.cgdev.testkit.TestCgroups}:
 *
 * <pre>{@code
 * TestCgroups cgroups = new TestCgroups();
 * TestBinding<CpuState> gpu = cgroups.bind(new CpuController(),
 *     DeviceSpec.builder("gpu0", "fake").controllers("cpu").engine(new EngineSpec("rcs0", "render")).build());
 * CgroupHandle a = cgroups.mkdir("/a");
 * gpu.write(a, "cpu.weight", "300");
 * TimeSharing ts = gpu.capability(TimeSharing.class).orElseThrow();
 * }</pre>
 *
 * <p><b>Why a thin layer over the core.</b> The kit used to re-implement the core's side of the SPI
 * (the order of online, offline and free, dying cgroups, attach: about 1,150 lines), and the
 * plugins' unit tests ran against that copy, which nothing compared with the core. Two ways out were
 * weighed: a differential test running one random script against both and comparing every call into
 * the plugins (a first version was written: about 300 lines, and the copy had to change in several
 * places before the two agreed), or this thin layer. The layer leaves less code (about 600 lines
 * instead of 1,450 for the copy and its test) and nothing to keep in step: {@link
 * io.cgdev.testkit.TestCgroups} drives cgroup-core's own {@code Hierarchy}, which the core exports to
 * this module alone. What the kit adds is only the test-facing surface: lookups by path, file access
 * without the file view, and a tree that learns its controller from the first {@code bind}.
 *
 * <p>What a test does not get, on purpose: {@code cgroup.subtree_control} (no controller is
 * enabled, so every device file is reachable wherever it appears and every cgroup may hold tasks),
 * the core's own {@code cgroup.*} files, and delegation. Scenario tests that need those boot {@code
 * io.cgdev.core.Cgroups}.
 */
package io.cgdev.testkit;
