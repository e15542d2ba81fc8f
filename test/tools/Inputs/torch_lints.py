#!/usr/bin/env python3
"""Prints PyTorch's mobile lints of a TorchScript archive, one per line as
irc-opt --mobile-lints does: `NAME: message`.

Usage: torch_lints.py MODEL.pt [--optimize]
With --optimize, the lints of optimize_for_mobile's result.
"""
import sys

import torch
from torch.utils.mobile_optimizer import (generate_mobile_module_lints,
                                          optimize_for_mobile)

model = torch.jit.load(sys.argv[1])
if "--optimize" in sys.argv[2:]:
    model = optimize_for_mobile(model)
lints = generate_mobile_module_lints(model)
# Operator lints follow torch.jit.export_opnames' order, which is a set's:
# irc sorts them, so sort that group here too.
head = [l for l in lints if l["name"] in ("BUNDLED_INPUT", "REQUIRES_GRAD")]
ops = sorted((l for l in lints if l not in head), key=lambda l: l["message"])
for lint in head + ops:
    print(f"{lint['name']}: {lint['message']}")
