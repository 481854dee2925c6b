#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Every program the build and the tests run must come from a package that scripts/install-deps.sh
# installs (or one it pulls in), or from Debian's required/essential set: this machine keeps
# what was installed by hand, a fresh one does not. Usage: check-tool-packages.sh PROGRAM...
# (ctest passes the list CMake keeps in CONDUIT_TOOL_PROGRAMS). Node.js and npm are the one
# documented prerequisite from outside Debian.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
deps="$here/install-deps.sh"
# The packages install-deps.sh names, and everything they depend on, recursively.
mapfile -t listed < <(sed -n '/^packages=(/,/^)/p' "$deps" | tr ' ()' '\n\n\n' | grep -E '^[a-z0-9][a-z0-9.+-]+$' | grep -v '^packages=$')
[ ${#listed[@]} -gt 0 ] || { echo "no package list found in $deps" >&2; exit 1; }
closure=$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
          --no-replaces --no-enhances "${listed[@]}" 2>/dev/null | grep -E '^[a-z0-9]' | sed 's/:.*//' | sort -u)

failed=0
for program in "$@"; do
    case "$program" in node|npm|npx) continue ;; esac
    path=$(command -v "$program") || { echo "MISSING  $program: not on PATH"; failed=1; continue; }
    real=$(readlink -f "$path")
    package=$(dpkg -S "$real" 2>/dev/null | head -n1 | cut -d: -f1)
    [ -n "$package" ] || package=$(dpkg -S "$path" 2>/dev/null | head -n1 | cut -d: -f1)
    # usrmerge: dpkg may know /usr/bin/x as /bin/x.
    [ -n "$package" ] || package=$(dpkg -S "${real#/usr}" 2>/dev/null | head -n1 | cut -d: -f1)
    if [ -z "$package" ]; then
        echo "UNKNOWN  $program ($real) belongs to no Debian package"
        failed=1
        continue
    fi
    priority=$(dpkg-query -W -f='${Priority} ${Essential}' "$package" 2>/dev/null)
    case "$priority" in
        required*|*yes) echo "ok       $program <- $package (essential)"; continue ;;
    esac
    if grep -qx -- "$package" <<<"$closure"; then
        echo "ok       $program <- $package"
    else
        echo "NOT LISTED  $program <- $package: add it to scripts/install-deps.sh"
        failed=1
    fi
done
exit $failed
