#!/usr/bin/env python3
"""Checks that every registered pass is tested and documented.

Reads `irc-opt --list-passes` ("name: summary" lines) and requires for each
pass:
  - test/passes/<name>.irc exists, runs the pass (`--<name>` or a
    --pass-pipeline naming it), and has at least one positive case
    (`// Tests that ...`) and one negative case (`// Negative: ...`);
  - docs/Passes.md has a `## <name>` section that repeats the summary.
Exits non-zero with one line per problem.
"""
import argparse
import pathlib
import re
import subprocess
import sys


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--irc-opt", required=True)
    parser.add_argument("source_root", type=pathlib.Path)
    args = parser.parse_args()

    listing = subprocess.run([args.irc_opt, "--list-passes"], check=True,
                             capture_output=True, text=True).stdout
    passes = dict(line.split(": ", 1) for line in listing.splitlines() if line)
    if not passes:
        sys.exit("check_passes: irc-opt --list-passes printed no passes")

    docs = (args.source_root / "docs" / "Passes.md").read_text()
    problems = []
    for name, summary in passes.items():
        test = args.source_root / "test" / "passes" / f"{name}.irc"
        if not test.exists():
            problems.append(f"{name}: no lit test {test}")
        else:
            text = test.read_text()
            runs = [l for l in text.splitlines() if "RUN:" in l]
            if not any(f"--{name}" in r or re.search(
                    rf"pass-pipeline=['\"]?[^ ]*\b{re.escape(name)}\b", r)
                       for r in runs):
                problems.append(f"{name}: {test.name} has no RUN line running it")
            if "// Tests that" not in text:
                problems.append(f"{name}: {test.name} has no positive case")
            if "// Negative:" not in text:
                problems.append(f"{name}: {test.name} has no negative case")
        section = re.search(rf"^## `{re.escape(name)}`\n(.*?)(?=^## |\Z)",
                            docs, re.M | re.S)
        if not section:
            problems.append(f"{name}: no '## `{name}`' section in docs/Passes.md")
        elif summary not in section.group(1):
            problems.append(f"{name}: docs/Passes.md does not repeat the "
                            f"summary '{summary}'")
    for p in problems:
        print("check_passes: " + p)
    print(f"check_passes: {len(passes)} passes, {len(problems)} problems")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
