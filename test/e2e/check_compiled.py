#!/usr/bin/env python3
"""Check that compiled models (.ircm) run exactly as their source models.

Usage:
    check_compiled.py BIN_DIR DIR OUT_DIR --backend=B [--jobs=N]

For every model of DIR's manifest.json (see check_outputs.py), on backend B:

    irc-run DIR/NAME.pt --backend=B --input=@in0.npy ... --output=@direct0.npy ...
    irc-compile DIR/NAME.pt --backend=B --input=@in0.npy ... -o NAME.ircm
    irc-run NAME.ircm --input=@in0.npy ... --output=@compiled0.npy ...

and requires the outputs to be bit-identical (the .npy files byte for
byte). A model that irc-run cannot run must fail the same way through
irc-compile or the compiled model. Exit status 0 when every model agrees.
"""

import argparse
import concurrent.futures
import filecmp
import json
import os
import subprocess
import sys


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    return p.returncode, (p.stdout + p.stderr).strip()


def error_of(output):
    """The message of an irc-run or irc-compile error, without the tool."""
    lines = [l for l in output.splitlines() if "error:" in l]
    return lines[-1].split("error:", 1)[1].strip() if lines else output


def check_one(bin_dir, directory, out_dir, backend, entry):
    name = entry["name"]
    inputs = [f"--input=@{os.path.join(directory, i['file'])}" for i in entry["inputs"]]
    model = os.path.join(directory, entry["file"])
    outs = len(entry["outputs"])
    direct = [os.path.join(out_dir, f"{name}.{backend}.direct{k}.npy") for k in range(outs)]
    compiled = [os.path.join(out_dir, f"{name}.{backend}.compiled{k}.npy") for k in range(outs)]
    ircm = os.path.join(out_dir, f"{name}.{backend}.ircm")
    irc_run = os.path.join(bin_dir, "irc-run")
    code, direct_out = run([irc_run, model, f"--backend={backend}"] + inputs +
                           [f"--output=@{f}" for f in direct])
    ccode, compile_out = run([os.path.join(bin_dir, "irc-compile"), model,
                              f"--backend={backend}", "-o", ircm] + inputs)
    if ccode != 0:
        if code != 0 and error_of(compile_out) == error_of(direct_out):
            return True, "fails alike: " + error_of(direct_out)
        return False, f"irc-compile failed:\n{compile_out}\nirc-run of the source:\n{direct_out}"
    rcode, run_out = run([irc_run, ircm] + inputs + [f"--output=@{f}" for f in compiled])
    if code != 0 or rcode != 0:
        if code != 0 and rcode != 0 and error_of(run_out) == error_of(direct_out):
            return True, "fails alike: " + error_of(direct_out)
        return False, f"source:\n{direct_out}\ncompiled:\n{run_out}"
    for d, c in zip(direct, compiled):
        if not filecmp.cmp(d, c, shallow=False):
            return False, f"{os.path.basename(c)} differs from {os.path.basename(d)}"
    return True, f"{outs} output(s) identical"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bin_dir")
    ap.add_argument("dir")
    ap.add_argument("out_dir")
    ap.add_argument("--backend", required=True)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = ap.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)
    with open(os.path.join(args.dir, "manifest.json")) as f:
        manifest = json.load(f)
    failures = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = {e["name"]: pool.submit(check_one, args.bin_dir, args.dir,
                                          args.out_dir, args.backend, e)
                   for e in manifest}
        for name, fut in futures.items():
            ok, what = fut.result()
            if ok:
                print(f"ok    {name}: {what}")
            else:
                failures += 1
                print(f"FAIL  {name}\n    " + what.replace("\n", "\n    "))
    print(f"{len(manifest) - failures} of {len(manifest)} models agree on {args.backend}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
