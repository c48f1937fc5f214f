/**
 * Fakes of the cgdev core for plugin unit tests. Start with {@link io.cgdev.testkit.FakeCgroups}:
 *
 * <pre>{@code
 * FakeCgroups cgroups = new FakeCgroups();
 * FakeRegistration<CpuState> gpu = cgroups.bind(new CpuController(),
 *     DeviceSpec.builder("gpu0", "fake").controllers("cpu").engine(new EngineSpec("rcs0", "render")).build());
 * FakeCgroup a = cgroups.mkdir("/a");
 * gpu.write(a, "cpu.weight", "300");
 * TimeSharing ts = gpu.capability(TimeSharing.class).orElseThrow();
 * }</pre>
 *
 * <p>What the fakes leave out on purpose: controller enabling ({@code cgroup.subtree_control}: every
 * bound controller's files are present in every cgroup), the core's own files, delegation, and the
 * no-internal-process rule. Scenario tests that need those boot cgroup-core.
 */
package io.cgdev.testkit;
