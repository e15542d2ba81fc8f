#!/usr/bin/env python3
"""Checks that every .irc file under test/ and examples/ round-trips.

Each file is split at `// -----` lines the way `irc-opt --split-input-file`
splits it (each chunk padded with the newlines of the lines before it, so
line numbers stay those of the file), and each chunk is run through irc-opt
on its own:

  * if irc-opt accepts the chunk, printing must be a fixed point:
    print(parse(print(chunk))) == print(chunk) byte for byte, the generic
    form (--print-op-generic) must parse back to the same pretty text, and
    the --print-debuginfo output must parse back to itself;
  * if irc-opt rejects the chunk, it must exit with status 1 (never a crash
    or a signal) after exactly one `error:` line, at `<file>:<line>:<col>`,
    on a line that one of the chunk's `expected-error` comments names, so
    only deliberate negative cases fail.

Usage: roundtrip.py [--irc-opt PATH] [-j N] SOURCE_ROOT
"""
import argparse
import concurrent.futures
import os
import re
import shutil
import subprocess
import sys
import tempfile

SEPARATOR = "// -----"
TIMEOUT_S = 60
EXPECTED_ERROR = re.compile(
    r"expected-error *(@([+-][0-9]+|above|below))? *\{\{")


def split_chunks(text):
    """Mirrors splitChunks in tools/driver/OptDriver.cpp. Returns a list of
    (first line of the chunk in the file, chunk text)."""
    chunks = []
    current = []
    start = 1
    line_no = 0
    while text:
        line, _, text = text.partition("\n")
        line_no += 1
        if line.strip() == SEPARATOR:
            chunks.append((start, "".join(current)))
            current = ["\n" * line_no]
            start = line_no + 1
            continue
        current.append(line + "\n")
    chunks.append((start, "".join(current)))
    return chunks


def expected_error_lines(chunk):
    """Lines (1-based, in file numbering) that expected-error comments name."""
    lines = set()
    for line_no, line in enumerate(chunk.split("\n"), start=1):
        m = EXPECTED_ERROR.search(line)
        if not m:
            continue
        where = m.group(2)
        if where is None:
            lines.add(line_no)
        elif where == "above":
            lines.add(line_no - 1)
        elif where == "below":
            lines.add(line_no + 1)
        else:
            lines.add(line_no + int(where))
    return lines


def run(cmd, stdin_text=None):
    try:
        p = subprocess.run(cmd, input=stdin_text, capture_output=True,
                           text=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return None, "", "timed out after %d s" % TIMEOUT_S
    return p.returncode, p.stdout, p.stderr


def describe_status(rc):
    if rc is None:
        return "a timeout"
    if rc < 0:
        return "signal %d" % -rc
    return "exit status %d" % rc


def check_chunk(irc_opt, flags, path, chunk, tmp):
    """Returns (kind, problem): kind is 'ok' or 'negative'; problem is None
    when the chunk passes, else a message."""
    chunk_file = os.path.join(tmp, os.path.basename(path))
    with open(chunk_file, "w") as f:
        f.write(chunk)
    rc, out, err = run([irc_opt, chunk_file] + flags)

    if rc != 0:
        if rc != 1:
            return "negative", ("irc-opt ended with %s (expected 1):\n%s" %
                                (describe_status(rc), err))
        errors = [l for l in err.splitlines() if "error:" in l]
        if len(errors) != 1:
            return "negative", ("expected exactly one 'error:' line, got "
                                "%d:\n%s" % (len(errors), err))
        m = re.match(re.escape(chunk_file) + r":(\d+):(\d+): error: ",
                     errors[0])
        if not m:
            return "negative", ("the error is not at '<file>:<line>:<col>: "
                                "error:':\n%s" % err)
        targets = expected_error_lines(chunk)
        if not targets:
            return "negative", ("irc-opt rejects the chunk but it has no "
                                "expected-error comment:\n%s" % err)
        if int(m.group(1)) not in targets:
            return "negative", ("the error is on line %s, but expected-error "
                                "comments name line(s) %s:\n%s" %
                                (m.group(1), sorted(targets), err))
        return "negative", None

    # print(parse(print(chunk))) == print(chunk)
    rc2, out2, err2 = run([irc_opt] + flags, out)
    if rc2 != 0:
        return "ok", ("the printed form does not parse back (%s):\n%s\n"
                      "--- printed form ---\n%s" %
                      (describe_status(rc2), err2, out))
    if out2 != out:
        return "ok", ("printing is not a fixed point:\n--- first print ---\n"
                      "%s--- second print ---\n%s" % (out, out2))

    # The generic form parses back to the same pretty text.
    rc3, generic, err3 = run([irc_opt, chunk_file, "--print-op-generic"] +
                             flags)
    if rc3 != 0:
        return "ok", ("--print-op-generic failed (%s):\n%s" %
                      (describe_status(rc3), err3))
    rc4, out4, err4 = run([irc_opt] + flags, generic)
    if rc4 != 0:
        return "ok", ("the generic form does not parse back (%s):\n%s\n"
                      "--- generic form ---\n%s" %
                      (describe_status(rc4), err4, generic))
    if out4 != out:
        return "ok", ("the generic form parses to different IR:\n"
                      "--- pretty ---\n%s--- from generic ---\n%s" %
                      (out, out4))

    # Locations survive printing and parsing.
    dbg = ["--print-debuginfo"]
    rc5, loc1, err5 = run([irc_opt, chunk_file] + dbg + flags)
    rc6, loc2, err6 = run([irc_opt] + dbg + flags, loc1)
    if rc5 != 0 or rc6 != 0 or loc1 != loc2:
        return "ok", ("--print-debuginfo output does not round-trip:\n%s%s"
                      "--- first ---\n%s--- second ---\n%s" %
                      (err5, err6, loc1, loc2))
    return "ok", None


def find_irc_files(root):
    files = []
    for top in ("test", "examples"):
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
            dirnames.sort()
            files.extend(os.path.join(dirpath, f) for f in sorted(filenames)
                         if f.endswith(".irc"))
    return files


def flags_for(text):
    """irc-opt flags the round trip needs, taken from the file's RUN lines."""
    run_lines = [l for l in text.splitlines() if "RUN:" in l]
    if any("--allow-unregistered-ops" in l for l in run_lines):
        return ["--allow-unregistered-ops"]
    return []


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", help="irc source root")
    parser.add_argument("--irc-opt", default="irc-opt",
                        help="irc-opt binary (default: from PATH)")
    parser.add_argument("-j", type=int, default=os.cpu_count() or 1,
                        help="chunks checked in parallel")
    args = parser.parse_args()

    irc_opt = shutil.which(args.irc_opt)
    if not irc_opt:
        print("roundtrip: error: cannot find irc-opt '%s'" % args.irc_opt)
        return 2
    files = find_irc_files(args.root)
    if not files:
        print("roundtrip: error: no .irc files under %s" % args.root)
        return 2

    jobs = []
    with tempfile.TemporaryDirectory(prefix="irc-roundtrip-") as tmp:
        with concurrent.futures.ThreadPoolExecutor(max(1, args.j)) as pool:
            for path in files:
                with open(path) as f:
                    text = f.read()
                flags = flags_for(text)
                for i, (start, chunk) in enumerate(split_chunks(text)):
                    chunk_tmp = os.path.join(tmp, "%d" % len(jobs))
                    os.mkdir(chunk_tmp)
                    where = "chunk %d (from line %d)" % (i, start)
                    jobs.append((path, where, pool.submit(
                        check_chunk, irc_opt, flags, path, chunk, chunk_tmp)))
            results = [(path, where, future.result())
                       for path, where, future in jobs]

    ok = negative = 0
    failures = []
    for path, where, (kind, problem) in results:
        rel = os.path.relpath(path, args.root)
        if problem:
            failures.append("roundtrip: FAIL: %s, %s: %s" %
                            (rel, where, problem.rstrip()))
        elif kind == "ok":
            ok += 1
        else:
            negative += 1
    for f in failures:
        print(f)
    print("roundtrip: %d chunks ok, %d negative chunks ok%s" %
          (ok, negative,
           ", %d failed" % len(failures) if failures else ""))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
