#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Screenshots of the dashboard and the console, light and dark, English and German, taken in a
# real window under Xvfb: docs/screenshots/<view>-<lang>-<scheme>.png. Needs a dev build.
set -euo pipefail
cd "$(dirname "$0")/.."
tool=${1:-build/dev/tests/tools/conduit_screenshots}
mkdir -p docs/screenshots
for lang in en de; do
    for scheme in light dark; do
        [ "$scheme" = dark ] && pref=0 || pref=1
        for view in tasks duplicates console; do
            out=docs/screenshots/${view}-${lang}-${scheme}.png
            LANGUAGE=$lang LANG=${lang}_$( [ "$lang" = en ] && echo US || echo DE ).UTF-8 LC_ALL= \
            QTWEBENGINE_DISABLE_SANDBOX=1 \
            QTWEBENGINE_CHROMIUM_FLAGS="--blink-settings=preferredColorScheme=$pref --disable-background-networking" \
                xvfb-run -a -s "-screen 0 1280x800x24" "$tool" "$out" "$view" >/dev/null 2>&1
            echo "$out"
        done
    done
done
