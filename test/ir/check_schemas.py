#!/usr/bin/env python3
"""Checks the op tables' schemas against PyTorch 1.13's, word for word.

The importer resolves TorchScript calls from the op tables (overloads by
argument types, omitted arguments from defaults, keyword-only markers), so a
schema that differs from PyTorch's is a bug. This compares every table entry
in ir/ops/*.def with a snapshot of `torch._C._jit_get_all_schemas()` checked
in as test/ir/Inputs/aten-schemas-1.13.txt, so the test never needs torch.

  * an op in the aten, prepacked or quantized namespace must exist in the
    snapshot, and its schema text must equal PyTorch's;
  * a prim op is checked only where TorchScript has the op under the same
    name (irc's names are the snake_case of TorchScript's, plus a few
    aliases below); the others (prim.if, prim.get_attr, ...) are irc's own.

irc names ops `ns.name.overload` for TorchScript's `ns::name.overload`.

Usage: check_schemas.py SOURCE_ROOT
       check_schemas.py --update SOURCE_ROOT   (regenerates the snapshot;
                                                needs torch 1.13)
"""
import argparse
import glob
import os
import re
import sys

SNAPSHOT = os.path.join("test", "ir", "Inputs", "aten-schemas-1.13.txt")
CHECKED_NAMESPACES = ("aten", "prepacked", "quantized")
# irc ops whose TorchScript counterpart is not found by the naming rule.
ALIASES = {
    "prim.num_to_tensor": "prim::NumToTensor.Scalar",
}
IRC_OP = re.compile(r'^IRC_OP\(\s*(\w+),\s*"([^"]*)",\s*"((?:[^"\\]|\\.)*)"')
TORCH_SCHEMA = re.compile(r"^(\w+)::(\w+)(?:\.(\w+))?(\(.*)$")


def snake(name):
    """NumToTensor -> num_to_tensor; names already in snake_case stay."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower() \
        if re.match(r"^[A-Z]", name) else name


def read_tables(root):
    ops = []
    for path in sorted(glob.glob(os.path.join(root, "ir", "ops", "*.def"))):
        with open(path) as f:
            for line_no, line in enumerate(f, start=1):
                m = IRC_OP.match(line)
                if m:
                    schema = m.group(3).replace('\\"', '"')
                    ops.append((m.group(2), schema, path, line_no))
    return ops


def read_snapshot(root):
    """Maps TorchScript's qualified name and irc's name to schema text."""
    by_torch, by_irc = {}, {}
    with open(os.path.join(root, SNAPSHOT)) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            m = TORCH_SCHEMA.match(line)
            if not m:
                sys.exit("malformed snapshot line: " + line)
            ns, name, overload, schema = m.groups()
            qualified = "%s::%s%s" % (ns, name, "." + overload if overload else "")
            by_torch[qualified] = schema
            irc = "%s.%s%s" % (ns, snake(name) if ns == "prim" else name,
                               "." + overload if overload else "")
            by_irc[irc] = schema
    return by_torch, by_irc


def update(root):
    import torch  # only here: the check itself must not need torch

    keep = []
    for s in torch._C._jit_get_all_schemas():
        text = str(s)
        m = TORCH_SCHEMA.match(text)
        if not m or m.group(1) not in ("aten", "prim", "prepacked", "quantized"):
            continue
        overload = m.group(3) or ""
        # out= variants, autograd internals and foreach kernels are never in
        # printed TorchScript models: leave them out to keep the file small.
        if re.match(r"^([A-Za-z0-9_]*_)?out(_[A-Za-z0-9_]*)?$", overload) or \
                "backward" in m.group(2) or m.group(2).startswith("_foreach"):
            continue
        keep.append(text)
    with open(os.path.join(root, SNAPSHOT), "w") as f:
        f.write("# torch._C._jit_get_all_schemas() of PyTorch %s: the aten, prim,\n"
                "# prepacked and quantized schemas without out= variants,\n"
                "# backward and _foreach ops. Regenerate with\n"
                "# test/ir/check_schemas.py --update SOURCE_ROOT.\n"
                % torch.__version__)
        for text in sorted(keep):
            f.write(text + "\n")
    print("wrote %d schemas" % len(keep))


def check(root):
    by_torch, by_irc = read_snapshot(root)
    checked, problems = 0, []
    for name, schema, path, line_no in read_tables(root):
        ns = name.split(".", 1)[0]
        if not schema or ns not in CHECKED_NAMESPACES + ("prim",):
            continue
        expected = by_torch.get(ALIASES[name]) if name in ALIASES \
            else by_irc.get(name)
        where = "%s:%d: '%s'" % (os.path.relpath(path, root), line_no, name)
        if expected is None:
            if ns in CHECKED_NAMESPACES:
                problems.append("%s: not a PyTorch 1.13 op" % where)
            continue
        checked += 1
        if schema != expected:
            problems.append("%s: schema differs from PyTorch 1.13's\n"
                            "  table:   %s\n  PyTorch: %s"
                            % (where, schema, expected))
    for p in problems:
        print(p)
    print("schemas: %d checked, %d mismatched" % (checked, len(problems)))
    return 1 if problems else 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--update", action="store_true")
    parser.add_argument("root")
    args = parser.parse_args()
    if args.update:
        update(args.root)
        return 0
    return check(args.root)


if __name__ == "__main__":
    sys.exit(main())
