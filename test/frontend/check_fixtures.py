#!/usr/bin/env python3
"""Runs a tool on every archive of a make_fixtures.py manifest.

Every fixture is a valid TorchScript archive written by PyTorch, so the
tool must succeed on each; the failures are listed with their messages.

With --frozen the tool is `irc-opt --freeze`, and its output must also be
one flat public function per kept method: no private functions and no
prim.call_method left, and prim.get_attr of module state only in the
fixtures whose module writes its own attributes (they stay state, as
PyTorch's freezing keeps them). Fixtures named in --known-failures are gaps this test documents: they
must still fail, so that fixing one makes the test ask to drop it here.

usage: check_fixtures.py TOOL FIXTURE_DIR [--frozen]
                         [--known-failures=a,b] [-- TOOL_ARGS...]
"""
import json
import os
import re
import shutil
import subprocess
import sys

# Fixtures whose modules write attributes (self.count += 1, list append).
MUTATING = {"mutates_attributes"}


def main():
    args = sys.argv[1:]
    extra = []
    if "--" in args:
        extra = args[args.index("--") + 1:]
        args = args[:args.index("--")]
    frozen = "--frozen" in args
    known = set()
    for a in args:
        if a.startswith("--known-failures="):
            known = set(filter(None, a.split("=", 1)[1].split(",")))
    tool = shutil.which(args[0]) or args[0]
    folder = args[1]
    if frozen:
        extra = ["--freeze", "--elide-large-constants", *extra]
    with open(os.path.join(folder, "manifest.json")) as f:
        fixtures = json.load(f)
    failures = []
    for fixture in fixtures:
        name = fixture["name"]
        path = os.path.join(folder, fixture["file"])
        run = subprocess.run([tool, path, *extra], capture_output=True,
                             text=True, errors="replace", timeout=300)
        problems = []
        if run.returncode != 0:
            problems.append(run.stderr.strip().splitlines()[0]
                            if run.stderr.strip() else
                            f"exit status {run.returncode}")
        elif frozen:
            out = run.stdout
            if "func private" in out:
                problems.append("private functions are left")
            if "prim.call_method" in out:
                problems.append("prim.call_method is left")
            # Attributes of module state must be folded; objects the code
            # creates itself (script classes) are not module state.
            state = set(re.findall(r"(%[\w.$]+) = constant @", out))
            reads = re.findall(r"prim\.get_attr\((%[\w.$]+)\)", out)
            if (any(r in state for r in reads) and
                    fixture["source_model"] not in MUTATING):
                problems.append("prim.get_attr of module state is left")
            if "func @forward" not in out:
                problems.append("no func @forward")
        if name in known:
            if not problems:
                failures.append(f"{name}: works now; drop it from "
                                "--known-failures")
            continue
        if problems:
            failures.append(f"{name}: {'; '.join(problems)}")
    print(f"{len(fixtures)} fixtures checked ({len(known)} known failures), "
          f"{len(failures)} failed")
    for f in failures:
        print("FAIL", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
