#!/usr/bin/python3
"""Build the op-zoo fixtures: small scripted modules, one or a few ops each, with
PyTorch's outputs, for checking irc's kernels op by op.

Usage:
    /usr/bin/python3 scripts/make_op_fixtures.py OUTDIR [--only PATTERN,...]

Every module `scripts/opzoo/<family>.py` defines `CASES`, a list of `Case`s. Each
case becomes `OUTDIR/<family>.<name>.pt` (torch.jit.script, or torch.jit.trace
with `trace=True`) with `<...>.in<k>.npy` inputs and `<...>.out<k>.npy` outputs
of `torch.jit.load(...)(*inputs)`, in the layout and manifest format of
make_fixtures.py, so the same checker compares irc with both.
"""

import argparse
import fnmatch
import importlib.util
import json
import os
import sys
import warnings
from dataclasses import dataclass, field
from typing import List, Optional

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import build_fixture, npy_files, npy_info  # noqa: E402

warnings.filterwarnings("ignore")
ZOO_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "opzoo")


@dataclass
class Case:
    """One zoo model: `module` is run on `inputs` (tensors, in forward's order)."""
    name: str
    module: nn.Module
    inputs: tuple
    trace: bool = False
    notes: str = ""


def load_family(path: str):
    spec = importlib.util.spec_from_file_location("opzoo_" + os.path.basename(path)[:-3], path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("--only", default="", help="comma-separated fnmatch patterns of names")
    args = ap.parse_args()
    torch.set_num_threads(2)
    os.makedirs(args.outdir, exist_ok=True)
    patterns = [p for p in args.only.split(",") if p]
    manifest = []
    for fname in sorted(os.listdir(ZOO_DIR)):
        if not fname.endswith(".py") or fname.startswith("_"):
            continue
        family = fname[:-3]
        torch.manual_seed(0)
        for case in load_family(os.path.join(ZOO_DIR, fname)).CASES:
            name = f"{family}.{case.name}"
            if patterns and not any(fnmatch.fnmatchcase(name, p) for p in patterns):
                continue
            module = case.module.eval()
            with torch.no_grad():
                scripted = (torch.jit.trace(module, case.inputs) if case.trace
                            else torch.jit.script(module))
            build_fixture(args.outdir, name, scripted, tuple(case.inputs), None)
            entry = {"name": name, "file": name + ".pt", "notes": case.notes,
                     "inputs": [], "outputs": []}
            for kind, key in (("in", "inputs"), ("out", "outputs")):
                for f in npy_files(args.outdir, name, kind):
                    shape, dtype = npy_info(os.path.join(args.outdir, f))
                    entry[key].append({"file": f, "shape": shape, "dtype": dtype})
            manifest.append(entry)
    with open(os.path.join(args.outdir, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    print(f"op zoo: {len(manifest)} models in {args.outdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
