package io.cgdev.bench.sim;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * Pins the calling thread to one CPU (Linux {@code sched_setaffinity} through the FFM API), for a
 * benchmark whose work runs on one thread. Why: on this 2-CPU machine the scheduler moved the
 * simulating thread between the CPUs whenever the JVM's other threads (compiler, GC) woke, and each move
 * started it on cold per-core caches; JVM runs of one jar then settled either near 100 ms or near 170 ms
 * for the same rounds, in phases that lasted tens of rounds. With the simulating thread pinned and the
 * JVM's other threads free, rounds stay within a few percent of each other. Calling thread only.
 */
final class ThreadAffinity {
  /** {@code cpu_set_t}: 1024 CPUs, one bit each. */
  private static final int CPU_SET_BYTES = 128;

  private ThreadAffinity() {}

  /**
   * Pins the calling thread to the CPU it runs on now.
   *
   * @return the CPU, or empty where the platform has no {@code sched_getcpu}/{@code sched_setaffinity}
   *     or the call was refused (the thread then runs where the scheduler puts it)
   */
  static Optional<Integer> pinToCurrentCpu() {
    try {
      Linker linker = Linker.nativeLinker();
      Optional<MemorySegment> getCpu = linker.defaultLookup().find("sched_getcpu");
      Optional<MemorySegment> setAffinity = linker.defaultLookup().find("sched_setaffinity");
      if (getCpu.isEmpty() || setAffinity.isEmpty()) {
        return Optional.empty();
      }
      MethodHandle current = linker.downcallHandle(getCpu.get(), FunctionDescriptor.of(ValueLayout.JAVA_INT));
      MethodHandle set = linker.downcallHandle(setAffinity.get(),
          FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS));
      int cpu = (int) current.invokeExact();
      if (cpu < 0 || cpu >= CPU_SET_BYTES * 8) {
        return Optional.empty();
      }
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment mask = arena.allocate(CPU_SET_BYTES); // zeroed
        mask.set(ValueLayout.JAVA_BYTE, cpu / 8, (byte) (1 << (cpu % 8)));
        int rc = (int) set.invokeExact(0, (long) CPU_SET_BYTES, mask); // pid 0: the calling thread
        return rc == 0 ? Optional.of(cpu) : Optional.empty();
      }
    } catch (Throwable e) { // no native access on this platform or JVM: the benchmark still runs, unpinned
      return Optional.empty();
    }
  }
}
