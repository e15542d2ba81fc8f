#!/usr/bin/env bash
# scripts/check-app.sh BUILD_DIR
#
# Checks the runtime as an app sees it: installs BUILD_DIR's package into
# BUILD_DIR/install, builds examples/app against the installed package
# (find_package(irc), and once more with pkg-config), compiles the
# mobilenet_v2 fixture with irc-compile and runs the app on its input; the
# top-1 class must be PyTorch's (the argmax of the fixture's output). Needs
# the fixtures (`ctest --test-dir BUILD_DIR -R fixtures`).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:?usage: scripts/check-app.sh BUILD_DIR}" && pwd)
prefix=$build/install
app=$build/app
fixture=$build/fixtures/mobilenet_v2.scripted
fail() { echo "check-app: error: $*" >&2; exit 1; }

[ -f "$fixture.pt" ] ||
  fail "$fixture.pt is missing (run ctest --test-dir $build -R fixtures)"

echo "check-app: installing into $prefix"
rm -rf "$prefix" "$app"
cmake --install "$build" --prefix "$prefix" >/dev/null
for f in include/irc/irc_runtime.h include/irc/irc_runtime.hpp \
  lib/libirc_runtime.so lib/cmake/irc/ircConfig.cmake lib/pkgconfig/irc.pc; do
  [ -e "$prefix/$f" ] || fail "the install has no $f"
done

echo "check-app: building examples/app against it"
cmake -S "$root/examples/app" -B "$app" -G Ninja \
  -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$app" >/dev/null
# The pkg-config one-liner of examples/app/README.md.
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
# shellcheck disable=SC2046
cc -std=c99 -o "$app/irc-app-pkgconfig" "$root/examples/app/main.c" \
  $(pkg-config --cflags --libs irc) -Wl,-rpath,"$prefix/lib"

echo "check-app: compiling and running mobilenet_v2"
"$build/bin/irc-compile" "$fixture.pt" --backend=cpu \
  --input=@"$fixture.in0.npy" -o "$app/mobilenet_v2.ircm"
want=$(/usr/bin/python3 -c \
  'import sys, numpy; print(int(numpy.load(sys.argv[1]).argmax()))' \
  "$fixture.out0.npy")
for exe in "$app/irc-app" "$app/irc-app-pkgconfig"; do
  out=$("$exe" "$app/mobilenet_v2.ircm" "$fixture.in0.npy")
  echo "$out"
  got=$(echo "$out" | awk '$1 == "#1" { print $3 }')
  [ "$got" = "$want" ] ||
    fail "$(basename "$exe") gives top-1 class '$got', PyTorch $want"
done

# A failure is one message and exit status 1.
if err=$("$app/irc-app" "$app/missing.ircm" "$fixture.in0.npy" 2>&1); then
  fail "irc-app ran a missing model"
fi
case $err in
*"missing.ircm: cannot open"*) ;;
*) fail "unexpected message for a missing model: $err" ;;
esac
echo "check-app: top-1 class $want matches PyTorch"
