#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Checks what the layout promises and a compiler would not:
#   1. every tracked source file starts with its SPDX licence line (after a #! or doctype line),
#      generated ones too (conduit_api_types writes it);
#   2. includes name their room (<bridge/Bridge.h>), and each room includes only the rooms that
#      CMake links it with: schema stands alone, bridge and worker build on it and not on each
#      other, app builds on all of them and on web.
#   scripts/check-layout.sh        (ctest: layout, label "format")
set -euo pipefail
cd "$(dirname "$0")/.."

failures=0
fail() { echo "$1" >&2; failures=$((failures + 1)); }

# 1. The licence line, in each language's comment syntax.
spdx='SPDX-License-Identifier: MIT'
while IFS= read -r file; do
    case "$file" in
        *.vue | *.html) want="<!-- $spdx -->" ;;
        *.css) want="/* $spdx */" ;;
        *.cpp | *.h | *.ts | *.js) want="// $spdx" ;;
        *) want="# $spdx" ;;
    esac
    first=$(head -n 1 "$file")
    [[ $first == '#!'* || $first == '<!doctype html>' ]] && first=$(sed -n 2p "$file")
    [[ $first == "$want" ]] || fail "$file: first line must be: $want"
done < <(git ls-files '*.cpp' '*.h' '*.ts' '*.js' '*.vue' '*.css' '*.html' '*.cmake' \
             'CMakeLists.txt' '*/CMakeLists.txt' '*.sh' '*.py' .ci/run \
             | grep -v '^translations/.*\.ts$')

# 2. Rooms and what each may include.
declare -A allowed=([schema]='' [bridge]='schema' [worker]='schema' [web]=''
                    [app]='schema bridge worker web')
rooms='schema|bridge|worker|app|web'
for room in "${!allowed[@]}"; do
    while IFS= read -r line; do
        file=${line%%:*}
        other=$(sed -E "s/.*#include <(${rooms})\/.*/\1/" <<<"$line")
        [[ $other == "$room" ]] && fail "$line: a header of its own room is included as \"X.h\""
        [[ " ${allowed[$room]} " == *" $other "* || $other == "$room" ]] \
            || fail "$file: $room/ must not include $other/ (${line#*:})"
    done < <(git grep -n -E "#include <(${rooms})/" -- "$room/" || true)
done
# A header of another room included without its room's name.
while IFS= read -r header; do
    room=${header%%/*} name=${header#*/}
    while IFS= read -r line; do
        fail "$line: name its room: <$room/$name>"
    done < <(git grep -n -F "#include \"$name\"" -- '*.cpp' '*.h' ":!$room/" || true)
done < <(git ls-files 'schema/*.h' 'bridge/*.h' 'worker/*.h' 'app/*.h' 'web/*.h')

if ((failures > 0)); then
    echo "check-layout: $failures problem(s)" >&2
    exit 1
fi
echo "check-layout: licence lines, include rooms: ok"
