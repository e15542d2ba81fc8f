#!/usr/bin/env python3
"""Runs a tool on every archive of a make_fixtures.py manifest.

Every fixture is a valid TorchScript archive written by PyTorch, so the
tool must succeed on each; the failures are listed with their messages.

usage: check_fixtures.py TOOL FIXTURE_DIR [TOOL_ARGS...]
"""
import json
import os
import shutil
import subprocess
import sys


def main():
    tool = shutil.which(sys.argv[1]) or sys.argv[1]
    folder, extra = sys.argv[2], sys.argv[3:]
    with open(os.path.join(folder, "manifest.json")) as f:
        fixtures = json.load(f)
    failures = []
    for fixture in fixtures:
        path = os.path.join(folder, fixture["file"])
        run = subprocess.run([tool, path, *extra], capture_output=True,
                             text=True, errors="replace", timeout=300)
        if run.returncode != 0:
            failures.append(f"{fixture['file']}: {run.stderr.strip()}")
    print(f"{len(fixtures)} fixtures checked, {len(failures)} failed")
    for f in failures:
        print("FAIL", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
