#!/bin/bash
# usage: bench/report-equal.sh CHECKOUT_A CHECKOUT_B   (two git worktrees, e.g. main and a change)
# Builds the cgdev tool in both worktrees (their ./cgdev launchers) and compares `cgdev run --json` of every
# scenario in samples/scenarios (wall time and events/s fields zeroed). Prints SAME/DIFF per scenario.
set -u
A=$1; B=$2
rc=0
out=$(mktemp -d /tmp/report-equal.XXXXXX)   # per run: two comparisons may run at once
echo "reports in $out"
for f in demo two-teams freeze-kill resident pressure hundred-workloads; do
  for side in A B; do
    wt=${!side}
    (cd "$wt" && ./cgdev run samples/scenarios/$f.yaml --json --no-progress 2>/dev/null) \
      | python3 -c '
import json,sys
d=json.load(sys.stdin)
def z(o):
    if isinstance(o,dict):
        return {k:(0 if any(s in k.lower() for s in ("wall","persecond","per_second","eventsps","elapsed")) else z(v)) for k,v in o.items()}
    if isinstance(o,list): return [z(x) for x in o]
    return o
print(json.dumps(z(d),sort_keys=True,indent=1))' > $out/$side-$f.json 2>$out/$side-$f.err
  done
  if [ ! -s $out/A-$f.json ]; then echo "$f: NO OUTPUT (see $out/A-$f.err)"; rc=1; continue; fi
  if cmp -s $out/A-$f.json $out/B-$f.json; then echo "$f: SAME"; else echo "$f: DIFF (diff $out/A-$f.json $out/B-$f.json)"; rc=1; fi
done
exit $rc
