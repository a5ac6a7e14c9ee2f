#!/bin/bash
# SPDX-License-Identifier: MIT
# The layering lib/core/README.md and lib/libsshhostkeys/README.md state,
# checked on every quoted #include of the production sources:
#  - lib/core includes only lib/core and the public headers;
#  - a module includes only lib/core, the public headers and its own folder;
#  - the CLI includes only lib/core, the public headers and tools/;
#  - lib/libsshhostkeys includes nothing from module/ or tools/.
# It also proves it can fail: a planted bad include must be caught.
. "$(dirname "$0")/lib.sh"
cd "$top_srcdir" || exit 1

# violations ROOT: one line "file: header" per include that breaks the rule
# for that file's folder. ROOT is a tree laid out like the source tree.
violations() {
	local root=$1 f h dir allowed
	find "$root/lib" "$root/module" "$root/tools" -name '*.[ch]' | sort |
	while read -r f; do
		dir=$(dirname "$f")
		case ${f#"$root"/} in
		lib/core/*) allowed="$root/lib/core" ;;
		lib/libsshhostkeys/*) allowed="$root/lib/core $root/lib/libsshhostkeys" ;;
		module/*) allowed="$root/lib/core $dir" ;;
		tools/*) allowed="$root/lib/core $root/tools" ;;
		*) continue ;;
		esac
		sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f" |
		while read -r h; do
			case $h in config.h | sshhostkeys.h | sshhostkeys/module.h) continue ;; esac
			local d ok=0
			for d in $allowed; do [ -f "$d/$h" ] && ok=1; done
			[ "$ok" = 1 ] || echo "${f#"$root"/}: $h"
		done
	done
}

out=$(violations .)
check "every include follows the layering" test -z "$out"
[ -z "$out" ] || printf '%s\n' "$out"

# The check itself: a copy of the tree's headers with one core file that
# reaches up into the library, one module that reaches into the library,
# and one CLI file that includes a module's private header.
copy=$TMPROOT/tree
mkdir -p "$copy"
for d in lib/core lib/libsshhostkeys module/files module/ssh2 tools; do
	mkdir -p "$copy/$d"
	cp $d/*.h "$copy/$d/" 2>/dev/null || true
done
printf '#include "context.h"\n' >"$copy/lib/core/bad.c"
printf '#include "shk.h"\n#include "modload.h"\n' >"$copy/module/files/bad.c"
echo 'int x;' >"$copy/module/files/own.h"
printf '#include "own.h"\n' >"$copy/module/files/good.c"
printf '#include "own.h"\n' >"$copy/tools/bad.c"
out=$(violations "$copy")
check "a core file including a library header is caught" grep -qx 'lib/core/bad.c: context.h' <<<"$out"
check "a module including a library header is caught" grep -qx 'module/files/bad.c: modload.h' <<<"$out"
check "a module's own header is allowed" test -z "$(grep 'good.c' <<<"$out")"
check "the CLI including a module's header is caught" grep -qx 'tools/bad.c: own.h' <<<"$out"
check "nothing else is reported" test "$(wc -l <<<"$out")" = 3
t_done
