#!/usr/bin/env python3
"""Runs irc-archive on every archive listed in a hostile.json manifest.

Each broken or hostile archive must make the tool exit with status 1 and
print exactly one error that names the archive (or the code file in it that
is at fault, `code/__torch__.py:3:5: error: ...`) and contains the phrase
the manifest expects; it must never crash, hang (30 s) or print a sanitizer report, nor grow
past MAX_RSS_MB of memory (the deflate bomb inflates to 1 GiB; the largest
valid case, a million-element list literal, needs about 600 MB).
Archives the manifest marks as valid (empty `expect`) must import.

usage: check_hostile.py TOOL MANIFEST_DIR
"""
import json
import os
import resource
import shutil
import subprocess
import sys


# Defects that only emitting IR reveals (an unknown operator, a CONSTANTS
# index out of range). irc-archive parses code but does not emit it, so it
# cannot see them; they are checked with the importer.
NEEDS_EMITTER = {"code_unsupported_operator.pt",
                 "code_constant_out_of_range.pt"}

# Sanitizers' shadow memory and quarantine raise RSS about threefold.
SANITIZED = "ASAN_OPTIONS" in os.environ
MAX_RSS_MB = 3072 if SANITIZED else 1024


def peak_rss_mb():
    """The largest peak RSS of any child process so far: it only grows, so
    the case that first pushes it past the bound is the one at fault."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024


def main():
    tool, folder = shutil.which(sys.argv[1]) or sys.argv[1], sys.argv[2]
    with open(os.path.join(folder, "hostile.json")) as f:
        cases = json.load(f)
    failures = []
    over_memory = peak_rss_mb() > MAX_RSS_MB
    if os.path.basename(tool) == "irc-archive":
        print("not checked by irc-archive (they need the importer):",
              ", ".join(sorted(NEEDS_EMITTER)))
        cases = [c for c in cases if c["file"] not in NEEDS_EMITTER]
    for case in cases:
        path = os.path.join(folder, case["file"])
        try:
            run = subprocess.run([tool, path], capture_output=True, text=True,
                                 errors="replace", timeout=30)
        except subprocess.TimeoutExpired:
            failures.append(f"{case['file']}: hangs ({case['what']})")
            continue
        if peak_rss_mb() > MAX_RSS_MB and not over_memory:
            over_memory = True
            failures.append(f"{case['file']}: peak RSS {peak_rss_mb()} MB is "
                            f"over {MAX_RSS_MB} MB ({case['what']})")
        err = run.stderr
        expect = case.get("expect", "")
        if not expect:
            if run.returncode != 0:
                failures.append(f"{case['file']}: a valid archive was "
                                f"rejected: {err.strip()}")
            continue
        problems = []
        if run.returncode != 1:
            problems.append(f"exit status {run.returncode}, expected 1")
        if err.count("error:") != 1:
            problems.append(f"{err.count('error:')} errors, expected one")
        # Errors in code name the code file (`code/__torch__.py:3:5`).
        if case["file"] not in err and not err.startswith("code/"):
            problems.append("the message does not name the file")
        if expect.lower() not in err.lower():
            problems.append(f"the message lacks '{expect}'")
        if "Sanitizer" in err or "Assertion" in err or "Stack dump" in err:
            problems.append("crashed")
        if problems:
            failures.append(f"{case['file']} ({case['what']}): "
                            f"{'; '.join(problems)}\n    stderr: {err.strip()}")
    print(f"{len(cases)} archives checked, {len(failures)} failed, "
          f"peak RSS {peak_rss_mb()} MB (bound {MAX_RSS_MB} MB)")
    for f in failures:
        print("FAIL", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
