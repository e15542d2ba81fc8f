#!/usr/bin/env python3
"""Run every model of a fixture directory with irc-run and compare with PyTorch.

Usage:
    check_outputs.py IRC_RUN DIR [--backend=ref] [--only=PATTERN,...]
                     [--known-failures=NAME=REASON;...] [--jobs=N]
                     [--arg=IRC_RUN_FLAG ...]

DIR holds `manifest.json` as written by scripts/make_fixtures.py or
scripts/make_op_fixtures.py: one entry per archive with its input files and
PyTorch's output files. Each model runs as

    irc-run DIR/NAME.pt --backend=B ARGS... --input=@in0.npy ... --compare=@out0.npy ...

and irc-run itself applies the tolerance (float: max|out-ref| <=
1e-4*max(1,max|ref|); integers and bools exact). A model listed in
--known-failures must fail, with its stated reason, so the list cannot go stale.
Exit status 0 when every other model matches.
"""

import argparse
import concurrent.futures
import fnmatch
import json
import os
import subprocess
import sys


def run_one(irc_run, directory, backend, extra, entry):
    cmd = [irc_run, os.path.join(directory, entry["file"]), f"--backend={backend}"]
    cmd += extra
    cmd += [f"--input=@{os.path.join(directory, i['file'])}" for i in entry["inputs"]]
    cmd += [f"--compare=@{os.path.join(directory, o['file'])}" for o in entry["outputs"]]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    except subprocess.TimeoutExpired:
        return False, "timed out after 600 s"
    out = (p.stdout + p.stderr).strip()
    if p.returncode != 0:
        return False, out
    if "matches" not in out and entry["outputs"]:
        return False, "no comparison was made:\n" + out
    return True, out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("irc_run")
    ap.add_argument("dir")
    ap.add_argument("--backend", default="ref")
    ap.add_argument("--only", default="")
    ap.add_argument("--known-failures", default="")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--arg", action="append", default=[],
                    help="an extra irc-run flag, e.g. --arg=--optimize-for-mobile")
    args = ap.parse_args()

    with open(os.path.join(args.dir, "manifest.json")) as f:
        manifest = json.load(f)
    patterns = [p for p in args.only.split(",") if p]
    if patterns:
        manifest = [e for e in manifest
                    if any(fnmatch.fnmatchcase(e["name"], p) for p in patterns)]
    known = {}
    for item in filter(None, args.known_failures.split(";")):
        name, _, reason = item.partition("=")
        known[name.strip()] = reason.strip()
    if not manifest:
        print(f"no models selected in {args.dir}")
        return 1

    failures = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = {e["name"]: pool.submit(run_one, args.irc_run, args.dir,
                                          args.backend, args.arg, e) for e in manifest}
        for name, fut in futures.items():
            ok, out = fut.result()
            if name in known:
                if ok:
                    print(f"UNEXPECTED PASS {name} (listed as a known failure: "
                          f"{known[name]})")
                    failures += 1
                else:
                    print(f"known failure   {name}: {known[name]}")
                continue
            if ok:
                print(f"ok              {name}")
            else:
                failures += 1
                print(f"FAIL            {name}\n    " + out.replace("\n", "\n    "))
    unknown = set(known) - {e["name"] for e in manifest}
    for name in sorted(unknown):
        print(f"STALE           {name} is listed as a known failure but not in the manifest")
        failures += 1
    print(f"{len(manifest) - failures} of {len(manifest)} models as expected")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
