#!/usr/bin/env bash
# scripts/fuzz.sh TARGET SECONDS [BUILD_DIR]
#
# Runs the libFuzzer target BUILD_DIR/bin/irc-fuzz-TARGET (a build with
# -DIRC_FUZZ=ON, such as `cmake --preset sanitize`, whose BUILD_DIR
# build-sanitize is the default) for SECONDS, with seeds made from the test
# inputs and the target's dictionary. TARGET is zip, unpickle, torchscript,
# archive, ir, npy or ircm, or `all` to run each for SECONDS in turn.
#
# Inputs that made a target fail once are kept in fuzz/regressions/TARGET
# and run every time. The corpus grows in BUILD_DIR/fuzz/TARGET/corpus
# across runs; a crash, leak, timeout or sanitizer report leaves its input
# in BUILD_DIR/fuzz/TARGET/artifacts and exits 1. Seeds come from the fixtures
# (ctest makes them: `ctest --test-dir BUILD_DIR -R fixtures`, in the build's
# IRC_TEST_DATA_DIR) and test/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
target=${1:?usage: scripts/fuzz.sh TARGET SECONDS [BUILD_DIR]}
seconds=${2:?usage: scripts/fuzz.sh TARGET SECONDS [BUILD_DIR]}
build=$(cd "${3:-$root/build-sanitize}" && pwd)
targets="zip unpickle torchscript archive ir npy ircm"

if [ "$target" = all ]; then
  for t in $targets; do "$0" "$t" "$seconds" "$build"; done
  exit 0
fi
case " $targets " in
*" $target "*) ;;
*) echo "fuzz: unknown target '$target' (one of: $targets, all)" >&2; exit 2 ;;
esac
bin=$build/bin/irc-fuzz-$target
[ -x "$bin" ] || { echo "fuzz: $bin is missing (configure with -DIRC_FUZZ=ON)" >&2; exit 2; }

data=$(sed -n 's/^IRC_TEST_DATA_DIR:PATH=//p' "$build/CMakeCache.txt" 2>/dev/null)
data=${data:-$build}
work=$build/fuzz/$target
mkdir -p "$work/corpus" "$work/seeds" "$work/artifacts"
if [ -z "$(ls -A "$work/seeds")" ]; then
  /usr/bin/env python3 - "$target" "$build" "$data" "$root" "$work/seeds" <<'PY'
import glob, hashlib, os, subprocess, sys, zipfile
target, build, datadir, root, out = sys.argv[1:]
def put(data):
    if data:
        with open(os.path.join(out, hashlib.sha1(data).hexdigest()), "wb") as f:
            f.write(data)
# Archives small enough to fuzz quickly: the fixtures, the op zoo, the
# hostile archives.
archives = [p for d in ("fixtures", "opzoo", "hostile")
            for p in sorted(glob.glob(os.path.join(datadir, d, "*.pt")))
            if os.path.getsize(p) < (1 << 20)]
def members(suffixes):
    for p in archives:
        try:
            with zipfile.ZipFile(p) as z:
                for n in z.namelist():
                    if n.endswith(suffixes):
                        yield z.read(n)
        except Exception:
            pass
if target in ("zip", "archive"):
    for p in archives:
        put(open(p, "rb").read())
elif target == "unpickle":
    for data in members(("data.pkl", "constants.pkl")):
        put(data)
elif target == "torchscript":
    for data in members((".py",)):
        put(data)
elif target == "ir":
    for p in glob.glob(os.path.join(root, "test", "**", "*.irc"), recursive=True):
        for chunk in open(p, "rb").read().split(b"// -----"):
            put(chunk)
elif target == "npy":
    for d in ("fixtures", "opzoo"):
        for p in sorted(glob.glob(os.path.join(datadir, d, "*.npy"))):
            if os.path.getsize(p) < (64 << 10):
                put(open(p, "rb").read())
elif target == "ircm":
    compile_ = os.path.join(build, "bin", "irc-compile")
    models = sorted(glob.glob(os.path.join(root, "test", "tools", "Inputs", "run-*.irc")))
    models += [p for p in sorted(glob.glob(os.path.join(datadir, "opzoo", "*.pt")))
               if os.path.getsize(p) < (64 << 10)][:40]
    for i, model in enumerate(models):
        for backend in ("ref", "cpu"):
            path = os.path.join(out, "model.ircm")
            if subprocess.run([compile_, model, "--backend=" + backend, "-o", path],
                              capture_output=True).returncode == 0:
                data = open(path, "rb").read()
                os.remove(path)
                put(data)
PY
fi
dict=$root/fuzz/dicts/$target.dict
args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2560
  -artifact_prefix="$work/artifacts/" -print_final_stats=1)
[ -f "$dict" ] && args+=(-dict="$dict")
echo "fuzz: $target for $seconds s ($(ls "$work/seeds" | wc -l) seeds, $(ls "$work/corpus" | wc -l) in the corpus)"
# Inputs that once crashed (fuzz/regressions/TARGET) are replayed first.
dirs=("$work/corpus" "$work/seeds")
[ -d "$root/fuzz/regressions/$target" ] && dirs+=("$root/fuzz/regressions/$target")
"$bin" "${args[@]}" "${dirs[@]}" 2>"$work/log" || {
  tail -40 "$work/log" >&2
  echo "fuzz: $target found a problem; its input is in $work/artifacts" >&2
  exit 1
}
grep -E "^stat::number_of_executed_units|^Done" "$work/log" | tr '\n' ' '
echo
