package io.cgdev.conformance;

import java.util.List;

/**
 * A shrunk divergence as a bash script anyone can replay: against the kernel ({@code sudo bash
 * replay.sh /sys/fs/cgroup/unified/x}) and against a cgdev mount whose root enables a controller
 * named hugetlb ({@code bash replay.sh /mnt/cg/x}); each line says what each side answered.
 */
final class ReplayScript {
  private ReplayScript() {}

  static String of(String title, Runner.Run run, int processes) {
    StringBuilder sb = new StringBuilder();
    sb.append("#!/usr/bin/env bash\n");
    sb.append("# cgdev conformance divergence: ").append(title).append('\n');
    sb.append("# ").append(run.steps().size()).append(" step(s); the last one differs.\n");
    sb.append("# Replay on the kernel: sudo bash $0 /sys/fs/cgroup/unified/cgdev-conformance-replay\n");
    sb.append("#   (its root must enable hugetlb: echo +hugetlb > /sys/fs/cgroup/unified/cgroup.subtree_control)\n");
    sb.append("# Replay on cgdev:      bash $0 MOUNT/cgdev-conformance-replay  (a mount whose root enables a 'hugetlb')\n");
    sb.append("# Each step is commented with what the kernel answered, and cgdev where it differs.\n");
    sb.append("B=${1:?usage: $0 NEW-CGROUP-FOLDER}\n");
    sb.append("mkdir \"$B\" || exit 1\n");
    for (int i = 0; i < processes; i++) {
      sb.append("sleep 600 & P").append(i).append("=$!; echo \"$P").append(i)
          .append("\" | dd of=\"$B/cgroup.procs\" status=none\n");
    }
    if (processes > 0) {
      sb.append("trap 'kill").append(pids(processes)).append(" 2>/dev/null' EXIT\n");
    }
    List<Step> steps = run.steps();
    for (int i = 0; i < steps.size(); i++) {
      Step step = steps.get(i);
      sb.append(step.shell());
      sb.append("   # ").append(i + 1).append(": kernel: ").append(shorten(run.kernel().get(i)));
      if (run.divergence() != null && run.divergence().index() == i) {
        sb.append(" | cgdev: ").append(shorten(run.divergence().cgdev()));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  private static String pids(int processes) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < processes; i++) {
      sb.append(" \"$P").append(i).append('"');
    }
    return sb.toString();
  }

  private static String shorten(String outcome) {
    String one = outcome.replace("\n", "\\n");
    return one.length() > 160 ? one.substring(0, 160) + "..." : one;
  }
}
