#!/bin/sh
# SPDX-License-Identifier: MIT
# Run each fuzz target for FUZZ_SECONDS (default 30) on its seed corpus.
# Usage: run.sh CORPUSDIR OUTDIR TARGET...
# New inputs go to OUTDIR/work/<target>, never into the seed corpus. Any
# crash, leak, timeout or sanitizer report fails the run; the finding is
# kept in OUTDIR/artifacts/. OUTDIR/summary.md gets executions per second
# and coverage for docs/robustness.md.
set -eu
corpus=$1 out=$2
shift 2
secs=${FUZZ_SECONDS:-30}
mkdir -p "$out/artifacts" "$out/work" "$out/logs"
summary=$out/summary.md
{
	echo "| target | seconds | runs | execs/s | edges covered | of instrumented | features | corpus |"
	echo "|---|---|---|---|---|---|---|---|"
} >"$summary"
failed=""
for t in "$@"; do
	bin=$out/fuzz_$t
	seeds=$corpus/$t
	work=$out/work/$t
	log=$out/logs/$t.log
	mkdir -p "$work"
	[ -d "$seeds" ] || { echo "fuzz: no seed corpus $seeds" >&2; exit 1; }
	echo "== fuzz_$t (${secs}s)"
	rc=0
	ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-max_len=16384 -print_final_stats=1 \
		-artifact_prefix="$out/artifacts/$t-" "$work" "$seeds" >"$log" 2>&1 || rc=$?
	total=$(sed -n 's/.*INFO: Loaded [0-9]* modules *(\([0-9]*\) inline 8-bit counters).*/\1/p' "$log" | head -n 1)
	done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1 || true)
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	cov=$(echo "$done_line" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$done_line" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	corp=$(echo "$done_line" | sed -n 's/.* corp: \([0-9]*\/[0-9a-zA-Z]*\).*/\1/p')
	pct=""
	if [ -n "$cov" ] && [ -n "${total:-}" ] && [ "$total" -gt 0 ]; then
		pct="$(awk -v c="$cov" -v t="$total" 'BEGIN { printf "%.1f%%", 100 * c / t }') of $total"
	fi
	echo "| fuzz_$t | $secs | ${runs:-?} | ${eps:-?} | ${cov:-?} | ${pct:-?} | ${ft:-?} | ${corp:-?} |" >>"$summary"
	if [ "$rc" -ne 0 ] || ls "$out/artifacts/$t-"* >/dev/null 2>&1; then
		echo "fuzz_$t: FAILED (exit $rc); log $log" >&2
		grep -E 'ERROR|SUMMARY|runtime error|invariant' "$log" | head -n 20 >&2 || true
		failed="$failed $t"
	else
		echo "fuzz_$t: ok, ${runs:-?} runs, ${eps:-?} exec/s, cov ${cov:-?}"
	fi
done
cat "$summary"
if [ -n "$failed" ]; then
	echo "fuzz: findings in:$failed" >&2
	exit 1
fi
