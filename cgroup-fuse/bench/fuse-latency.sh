#!/usr/bin/env bash
# Latency of reading one small file through the cgdev FUSE mount, against bindfs (a C FUSE
# passthrough) over a tmpfs file, in the same run. Run as root from the repository root:
#
#   bash cgroup-fuse/bench/fuse-latency.sh            # mounts the in-memory test tree (FakeMountMain)
#   CGDEV_BENCH_MAIN=io.cgdev.fuse.MountMain bash cgroup-fuse/bench/fuse-latency.sh   # the real core
#
# Env: N (reads per loop, default 20000), FILE (file under the mount, default memory.current),
#      CGDEV_MVN_ARGS (extra Maven arguments, e.g. "-f /tmp/fuse-agg/pom.xml" before the module is
#      in the root pom). Needs fuse3 and bindfs (apt-get install fuse3 bindfs); hyperfine is used
#      when present for the end-to-end `cat` figure.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
N=${N:-20000}
FILE=${FILE:-memory.current}
MAIN=${CGDEV_BENCH_MAIN:-io.cgdev.fuse.FakeMountMain}
OUT=target-bench
command -v bindfs >/dev/null || { echo "bindfs is missing: apt-get install bindfs" >&2; exit 1; }

work=$(mktemp -d /tmp/cgdev-fuse-bench.XXXXXX)
src=/dev/shm/cgdev-bench.$$
mkdir -p "$src" "$work/cgdev" "$work/bind"
daemon=
cleanup() {
  [ -n "$daemon" ] && kill "$daemon" 2>/dev/null && wait "$daemon" 2>/dev/null || true
  fusermount3 -u "$work/bind" 2>/dev/null || true
  fusermount3 -u -z "$work/cgdev" 2>/dev/null || true
  rm -rf "$src" "$work"
}
trap cleanup EXIT

echo "building the class path (offline)..." >&2
# shellcheck disable=SC2086
./mvnw -o -q -B -Dcgdev.out=$OUT ${CGDEV_MVN_ARGS:-} -pl :cgroup-fuse -am test-compile \
  dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" -Dmdep.includeScope=test >/dev/null
fuse_out=$root/cgroup-fuse/$OUT
cp="$fuse_out/classes:$fuse_out/test-classes:$(cat "$work/cp.txt")"
. "$root/.mvn/java-env"

"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$cp" "$MAIN" "$work/cgdev" > "$work/daemon.log" 2>&1 &
daemon=$!
for _ in $(seq 100); do grep -q mounted "$work/daemon.log" 2>/dev/null && break; sleep 0.1; done
grep -q mounted "$work/daemon.log" || { cat "$work/daemon.log" >&2; exit 1; }
cat "$work/cgdev/$FILE" > "$src/$FILE"
bindfs "$src" "$work/bind"

loop() { # N open+read+close through bash's own redirection: no fork per read
  local f=$1 n=$2 x
  for ((i = 0; i < n; i++)); do read -r x < "$f"; done
}
per_op() { # prints microseconds per read
  local f=$1 start end
  start=$(date +%s%N); loop "$f" "$N"; end=$(date +%s%N)
  echo $(( (end - start) / N / 1000 ))
}
two_readers() { # prints reads per second with 2 concurrent readers
  local f=$1 start end
  start=$(date +%s%N)
  loop "$f" "$N" & loop "$f" "$N" & wait
  end=$(date +%s%N)
  echo $(( 2 * N * 1000000000 / (end - start) ))
}

loop "$work/cgdev/$FILE" 2000; loop "$work/bind/$FILE" 2000   # warm up the JIT and caches
c=$(per_op "$work/cgdev/$FILE"); b=$(per_op "$work/bind/$FILE")
c2=$(two_readers "$work/cgdev/$FILE"); b2=$(two_readers "$work/bind/$FILE")
echo "file: $FILE   reads per loop: $N   daemon: $MAIN"
printf '%-34s %10s %10s %8s\n' "" "cgdev" "bindfs" "ratio"
printf '%-34s %10s %10s %8s\n' "open+read+close, µs/op (1 reader)" "$c" "$b" "$(awk -v a="$c" -v b="$b" 'BEGIN{printf "%.2f", a/b}')"
printf '%-34s %10s %10s %8s\n' "reads/s, 2 concurrent readers" "$c2" "$b2" "$(awk -v a="$c2" -v b="$b2" 'BEGIN{printf "%.2f", a/b}')"
if command -v hyperfine >/dev/null; then
  hyperfine -N --warmup 100 --runs 1000 --style basic \
    "cat $work/cgdev/$FILE" "cat $work/bind/$FILE" 2>/dev/null | grep -E 'Benchmark|Time|±' || true
fi
