#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Checks that every tracked C++ source (.cpp, .h) is formatted per .clang-format.
#   scripts/check-format.sh [clang-format]      (ctest: clang_format, label "format")
# Fix with: clang-format -i $(git ls-files '*.cpp' '*.h')
set -euo pipefail
clang_format=${1:-clang-format}
cd "$(dirname "$0")/.."

if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    mapfile -t files < <(git ls-files -- '*.cpp' '*.h')
else # an unpacked source archive: the C++ rooms
    mapfile -t files < <(find app bridge worker tests -name '*.cpp' -o -name '*.h' | sort)
fi
[ ${#files[@]} -gt 0 ] || { echo "no C++ sources found" >&2; exit 1; }

if out=$("$clang_format" --dry-run -Werror "${files[@]}" 2>&1); then
    echo "${#files[@]} files formatted per .clang-format ($("$clang_format" --version))"
    exit 0
fi
echo "$out" | head -n 60
echo
echo "Not formatted per .clang-format (fix: clang-format -i <file>):"
echo "$out" | grep -Eo '^[^:[:space:]]+\.(cpp|h):[0-9]+:[0-9]+: error' | cut -d: -f1 | sort -u \
    | sed 's/^/  /'
exit 1
