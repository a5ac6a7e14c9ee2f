#!/bin/sh
# SPDX-License-Identifier: MIT
# make bench: build the fixture stores once (under $BENCH_OUT), then time
# sshhostkeys beside ssh-keygen -F (or cat) on the same files, interleaved
# in the same run, and print Markdown tables of medians and ratios. The
# benchmark reports; it never fails on slow results.
#
# Variables: BENCH_SIZES (known_hosts entries, default "10000 100000"),
# BENCH_USER (the ordinary user of the "as users meet it" rows, default
# nobody; those rows need root to switch to it),
# BENCH_SSH2_SIZES (default "1000 100000"), BENCH_RUNS (default 7),
# BENCH_OUT (default bench/out in the build tree), BENCH_BASE (the top
# build directory of another build, e.g. of an older commit, timed beside
# this one as "baseline").
set -eu

top_builddir=${top_builddir:-.}
SIZES=${BENCH_SIZES:-10000 100000}
SSH2_SIZES=${BENCH_SSH2_SIZES:-1000 100000}
RUNS=${BENCH_RUNS:-7}
OUT=${BENCH_OUT:-$top_builddir/bench/out}
# The real binary, not libtool's wrapper script (which costs a shell
# start per run): what an installed sshhostkeys does.
ABS=$(cd "$top_builddir" && pwd)
CLI=$ABS/tools/sshhostkeys
if [ -x "$ABS/tools/.libs/sshhostkeys" ]; then
	CLI=$ABS/tools/.libs/sshhostkeys
	export LD_LIBRARY_PATH="$ABS/lib/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
BENCHGEN=$top_builddir/bench/benchgen
BENCHTIME=$top_builddir/bench/benchtime
LIBBENCH=$top_builddir/bench/libbench
export SSHHOSTKEYS_MODULE_DIR=${SSHHOSTKEYS_MODULE_DIR:-$(cd "$top_builddir" && pwd)/module/.libs}

BASE_CMD=
if [ -n "${BENCH_BASE:-}" ]; then
	BASE=$(cd "$BENCH_BASE" && pwd)
	BASE_CMD="env LD_LIBRARY_PATH=$BASE/lib/.libs SSHHOSTKEYS_MODULE_DIR=$BASE/module/.libs $BASE/tools/.libs/sshhostkeys"
fi

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
umask 022
# No user stores: HOME points at an empty directory.
export HOME=$OUT/home
mkdir -p "$HOME"
unset XDG_CACHE_HOME || true

KEYS=$OUT/keys
if [ ! -f "$KEYS/mark.pub" ]; then
	rm -rf "$KEYS" && mkdir -p "$KEYS"
	ssh-keygen -q -t ed25519 -N '' -C '' -f "$KEYS/ed" </dev/null
	ssh-keygen -q -t ecdsa -b 256 -N '' -C '' -f "$KEYS/ec" </dev/null
	ssh-keygen -q -t rsa -b 3072 -N '' -C '' -f "$KEYS/rsa" </dev/null
	ssh-keygen -q -t ed25519 -N '' -C '' -f "$KEYS/mark" </dev/null
fi
KEYFILES="$KEYS/ed.pub $KEYS/ec.pub $KEYS/rsa.pub $KEYS/mark.pub"

# A root for --root: its own nsswitch.conf and an empty sshhostkeys.conf
# (user stores are under the empty HOME, so only the system ones count).
mkroot() { # DIR ORDER
	mkdir -p "$1/etc/ssh" "$1/etc/ssh2" "$1/var/cache"
	echo "ssh_hostkeys: $2" >"$1/etc/nsswitch.conf"
	: >"$1/etc/sshhostkeys.conf"
}

kh_store() { # N KIND -> root dir
	r=$OUT/kh-$1-$2
	mkroot "$r" files
	if [ ! -f "$r/ready" ]; then
		rm -rf "$r"
		mkroot "$r" files
		if [ "$2" = plain ]; then
			"$BENCHGEN" kh "$1" $KEYFILES >"$r/etc/ssh/ssh_known_hosts"
		else
			"$BENCHGEN" kh "$1" $KEYFILES >"$r/etc/ssh/ssh_known_hosts"
			ssh-keygen -q -H -f "$r/etc/ssh/ssh_known_hosts" >/dev/null 2>&1
			rm -f "$r/etc/ssh/ssh_known_hosts.old"
		fi
		touch "$r/ready"
	fi
	echo "$r"
}

ssh2_store() { # N KIND -> root dir
	r=$OUT/ssh2-$1-$2
	mkroot "$r" ssh2
	if [ ! -f "$r/ready" ]; then
		rm -rf "$r"
		mkroot "$r" ssh2
		"$BENCHGEN" ssh2 "$r/etc/ssh2/hostkeys" "$1" "$2" $KEYFILES
		touch "$r/ready"
	fi
	echo "$r"
}

# Build every store first: a file changed less than two seconds ago is
# indexed in memory but its index is not written (docs/performance.md),
# so fresh stores get a moment to age before anything is timed.
fresh=0
for n in $SIZES; do
	for kind in plain hashed; do
		[ -f "$OUT/kh-$n-$kind/ready" ] || fresh=1
		echo "building known_hosts $n $kind..." >&2
		kh_store "$n" "$kind" >/dev/null
	done
done
for n in $SSH2_SIZES; do
	for kind in plain hashed; do
		[ -f "$OUT/ssh2-$n-$kind/ready" ] || fresh=1
		echo "building ssh2 $n $kind..." >&2
		ssh2_store "$n" "$kind" >/dev/null
	done
done
[ "$fresh" = 0 ] || sleep 3

echo "# sshhostkeys benchmark"
echo
echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "- machine: $(nproc) CPUs, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1), Linux $(uname -r)"
echo "- load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- $(ssh -V 2>&1)"
echo "- runs: 1 warm-up + $RUNS timed per command, interleaved; times are wall clock of whole processes"

SPEC=$OUT/spec.$$
trap 'rm -f "$SPEC"' EXIT

# known_hosts: each position of the target, plain and hashed.
for n in $SIZES; do
	for kind in plain hashed; do
		r=$(kh_store "$n" "$kind")
		f=$r/etc/ssh/ssh_known_hosts
		mid=$(printf 'h%07d.example.com' $((n / 2)))
		last=$(printf 'h%07d.example.com' $((n - 1)))
		echo "## known_hosts, $n entries, $kind ($(wc -c <"$f") bytes, $(wc -l <"$f") lines)"
		: >"$SPEC"
		for t in start:h0000000.example.com middle:$mid end:$last absent:absent.example.com; do
			pos=${t%%:*}
			name=${t#*:}
			cat >>"$SPEC" <<EOS
group $n $kind, target $pos ($name)
cmd ssh-keygen_-F ssh-keygen -F $name -f $f
cmd sshhostkeys_lookup $CLI --root $r lookup $name
cmd sshhostkeys_known-hosts $CLI --root $r known-hosts $name
cmd lookup,_no_index env SSHHOSTKEYS_KH_INDEX=0 $CLI --root $r lookup $name
EOS
			[ -z "$BASE_CMD" ] || echo "cmd baseline_lookup $BASE_CMD --root $r lookup $name" >>"$SPEC"
		done
		"$BENCHTIME" -n "$RUNS" <"$SPEC"
		echo
		echo "Library, one warm context ($n $kind):"
		echo
		echo "    $("$LIBBENCH" "$r" "$n" 2)"
		echo
	done
done

# As users meet it: an ordinary user as well as root, a store that
# changed a moment ago ("first sight": touched before every run, so no
# index anyone wrote fits it) and settled ones. The reference is
# ssh-keygen -F run by the same user on the same file in the same run;
# /bin/true is the floor of any whole-process lookup. "%N" asks another
# name in every run (a name not asked before), the fixed name is the
# repeated lookup ssh makes twice per connection.
NR_USER=${BENCH_USER:-nobody}
NR_OK=0
if [ "$(id -u)" -eq 0 ] && id "$NR_USER" >/dev/null 2>&1; then
	NR_HOME=$OUT/home-$NR_USER
	mkdir -p "$NR_HOME" && chown "$NR_USER" "$NR_HOME"
	if setpriv --reuid="$NR_USER" --regid="$(id -g "$NR_USER")" --clear-groups \
		sh -c "test -x '$CLI' && test -r '$OUT/keys/ed.pub'" 2>/dev/null; then
		NR_OK=1
	else
		echo "(rows as $NR_USER skipped: $NR_USER cannot reach $CLI or $OUT)"
	fi
elif [ "$(id -u)" -ne 0 ]; then
	echo "(running as $(id -un): the rows below are an ordinary user's; root's need root)"
fi
meet_group() { # N KIND WHO STATE
	r=$(kh_store "$1" "$2")
	f=$r/etc/ssh/ssh_known_hosts
	mid=$(printf 'h%07d.example.com' $(($1 / 2)))
	# Names asked once each: 100 entries past the middle, one per run.
	new=$(printf 'h%05d' $(($1 / 2 / 100 + 1)))%N.example.com
	echo "group $1 $2, $3, $4"
	case $4 in first*) echo "prep touch $f" ;; esac
	cat <<EOS
cmd ssh-keygen_-F ssh-keygen -F $mid -f $f
cmd lookup_(same_name) $CLI --root $r lookup $mid
cmd lookup_(new_name) $CLI --root $r lookup $new
cmd true /bin/true
EOS
	[ -z "$BASE_CMD" ] || echo "cmd baseline_lookup $BASE_CMD --root $r lookup $mid"
}
echo
echo "## As users meet it: known_hosts, root and $NR_USER, settled and first sight"
echo
echo "Target: the middle entry. \"settled, root's index\": root looked the store up since it"
echo "last changed; \"settled, no system index\": nobody who may write the system index did."
for n in $SIZES; do
	for kind in plain hashed; do
		r=$(kh_store "$n" "$kind")
		mid=$(printf 'h%07d.example.com' $((n / 2)))
		if [ "$NR_OK" = 1 ]; then
			$CLI --root "$r" lookup "$mid" >/dev/null 2>&1 || true
			meet_group "$n" "$kind" "$NR_USER" "settled, root's index" >"$SPEC"
			HOME=$NR_HOME "$BENCHTIME" -n "$RUNS" -u "$NR_USER" <"$SPEC"
			rm -rf "$r/var/cache/sshhostkeys"
			meet_group "$n" "$kind" "$NR_USER" "settled, no system index" >"$SPEC"
			HOME=$NR_HOME "$BENCHTIME" -n "$RUNS" -u "$NR_USER" <"$SPEC"
			meet_group "$n" "$kind" "$NR_USER" "first sight" >"$SPEC"
			HOME=$NR_HOME "$BENCHTIME" -n "$RUNS" -u "$NR_USER" <"$SPEC"
		fi
		meet_group "$n" "$kind" "$(id -un)" "first sight" >"$SPEC"
		"$BENCHTIME" -n "$RUNS" <"$SPEC"
		echo
	done
done
# The first-sight rows left the stores just changed: let them settle for
# whatever runs next (make bench again, or the rows below).
sleep 3

# ssh2 directories: one open by name, whatever the number of hosts.
for n in $SSH2_SIZES; do
	for kind in plain hashed; do
		r=$(ssh2_store "$n" "$kind")
		mid=$(printf 'h%07d.example.com' $((n / 2)))
		kf=$r/etc/ssh2/hostkeys/key_22_$mid.pub
		if [ "$kind" = hashed ]; then
			set -- "$r"/etc/ssh2/hostkeys/keys_*
			kf=$1
		fi
		echo "## ssh2 directory, $n hosts, $kind"
		cat >"$SPEC" <<EOS
group ssh2 $n $kind ($mid)
cmd cat_key_file cat $kf
cmd sshhostkeys_lookup $CLI --root $r lookup $mid
cmd lookup_absent $CLI --root $r lookup absent.example.com
EOS
		[ -z "$BASE_CMD" ] || echo "cmd baseline_lookup $BASE_CMD --root $r lookup $mid" >>"$SPEC"
		"$BENCHTIME" -n "$RUNS" <"$SPEC"
		echo
	done
done

# Cold start: a one-entry store.
r=$OUT/one
mkroot "$r" files
if [ ! -f "$r/ready" ]; then
	"$BENCHGEN" kh 1 $KEYFILES >"$r/etc/ssh/ssh_known_hosts"
	touch "$r/ready"
fi
echo "## Cold start (one-entry store)"
cat >"$SPEC" <<EOS
group one entry
cmd ssh-keygen_-F ssh-keygen -F h0000000.example.com -f $r/etc/ssh/ssh_known_hosts
cmd sshhostkeys_lookup $CLI --root $r lookup h0000000.example.com
cmd true /bin/true
EOS
[ -z "$BASE_CMD" ] || echo "cmd baseline_lookup $BASE_CMD --root $r lookup h0000000.example.com" >>"$SPEC"
"$BENCHTIME" -n "$RUNS" <"$SPEC"

# A whole ssh connection, with sshhostkeys and with the file.
NR_HOME=${NR_HOME:-}
export CLI BENCHGEN BENCHTIME OUT RUNS NR_USER NR_OK NR_HOME
sh "$(dirname "$0")/connect.sh"
