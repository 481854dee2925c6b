#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Packaging smoke test (ctest: package_smoke, label "packaging").
#   package-smoke-test.sh <build dir> <work dir> <version> <app id>
# Builds the .deb from the already-built tree with CPack (output under <work dir>, not the
# build's own package directory), checks its metadata and contents, unpacks it with
# `dpkg-deb -x` into a temporary root and runs the installed binary from there: --version,
# --help, and an offscreen start that loads the page, connects the bridge and quits.
set -euo pipefail

build_dir=$1 work=$2 version=$3 app_id=$4
fail() { echo "FAIL: $*" >&2; exit 1; }

rm -rf "$work"
mkdir -p "$work"

echo "== cpack -G DEB"
cpack --config "$build_dir/CPackConfig.cmake" -G DEB -B "$work/cpack" > "$work/cpack.log" 2>&1 \
    || { cat "$work/cpack.log" >&2; fail "cpack failed"; }
debs=("$work"/cpack/conduit_"$version"_*.deb)
[ -f "${debs[0]}" ] || { cat "$work/cpack.log" >&2; fail "no .deb in $work/cpack"; }
deb=${debs[0]}
echo "$deb"

echo "== metadata"
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
# One package name per line, without version constraints.
depends_names=$(sed 's/ *([^)]*)//g; s/ *, */\n/g' <<<"$depends" | sed 's/ *|.*//')
has_dep() { grep -Fxq -- "$1" <<<"$depends_names"; }
# Computed by dpkg-shlibdeps from the binary ...
for lib in libqt6core6 libqt6gui6 libqt6widgets6 libqt6webenginecore6 libqt6webenginewidgets6 \
           libqt6webchannel6 libc6 libstdc++6; do
    has_dep "$lib" || fail "Depends lacks $lib (dpkg-shlibdeps)"
done
# ... and listed by hand (packaging/CMakeLists.txt says why).
has_dep libqt6webenginecore6-bin || fail "Depends lacks libqt6webenginecore6-bin (QtWebEngineProcess)"
has_dep libqt6sql6-sqlite || fail "Depends lacks libqt6sql6-sqlite (the task history's driver)"
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "Version is not $version"

echo "== contents"
dpkg-deb -c "$deb" > "$work/contents.txt"
for f in ./usr/bin/conduit \
         "./usr/share/applications/$app_id.desktop" \
         "./usr/share/metainfo/$app_id.metainfo.xml" \
         "./usr/share/mime/packages/$app_id.xml" \
         ./usr/share/icons/hicolor/scalable/apps/conduit.svg \
         ./usr/share/icons/hicolor/48x48/apps/conduit.png \
         ./usr/share/icons/hicolor/256x256/apps/conduit.png; do
    grep -q " $f\$" "$work/contents.txt" || fail "the package lacks $f"
done

root=$work/root
dpkg-deb -x "$deb" "$root"
conduit=$root/usr/bin/conduit

echo "== installed metadata"
desktop-file-validate "$root/usr/share/applications/$app_id.desktop"
# The installed tree as a software centre sees it: metainfo, .desktop and icons together.
appstreamcli validate-tree --no-net "$root"

# A private home: the run must not touch the real user's profile or settings.
home=$work/home
mkdir -p "$home"
export HOME=$home XDG_CONFIG_HOME=$home/.config XDG_DATA_HOME=$home/.local/share \
       XDG_CACHE_HOME=$home/.cache XDG_RUNTIME_DIR=$home/runtime
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
unset DISPLAY WAYLAND_DISPLAY

echo "== conduit --version"
out=$("$conduit" --version)
echo "$out"
grep -q "$version" <<<"$out" || fail "--version does not print $version"

echo "== conduit --help"
out=$("$conduit" --help)
grep -q -- "--version" <<<"$out" || fail "--help does not list --version"
grep -q -- "--exit-after-load" <<<"$out" || fail "--help does not list --exit-after-load"

echo "== conduit --exit-after-load (offscreen)"
# The app quits with 0 once the page has loaded and the bridge is connected, 1 after 60 s
# without; `timeout` is the outer bound.
status=0
QT_QPA_PLATFORM=offscreen QTWEBENGINE_DISABLE_SANDBOX=1 \
QTWEBENGINE_CHROMIUM_FLAGS="--disable-gpu --disable-background-networking --no-first-run" \
    timeout -k 5 90 "$conduit" --exit-after-load > "$work/run.log" 2>&1 || status=$?
cat "$work/run.log"
[ "$status" -eq 0 ] || fail "conduit --exit-after-load exited with $status"
if grep -Eiq "failed to load|could not (load|find)|not found|ERR_|uncaught|resource error" \
        "$work/run.log"; then
    fail "the start printed a load or resource error"
fi
echo "PASS"
