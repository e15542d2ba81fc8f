#!/usr/bin/python3
"""Run a TorchScript archive with PyTorch on .npy inputs and save its tensor
outputs (depth-first) as PREFIX.out<k>.npy.

    run_torch.py MODEL.pt PREFIX IN0.npy [IN1.npy ...]
"""
import sys

import numpy as np
import torch


def flatten(v):
    if isinstance(v, torch.Tensor):
        return [v]
    if isinstance(v, (tuple, list)):
        return [t for x in v for t in flatten(x)]
    return []


def main():
    model, prefix, inputs = sys.argv[1], sys.argv[2], sys.argv[3:]
    m = torch.jit.load(model)
    args = [torch.from_numpy(np.load(f)) for f in inputs]
    with torch.no_grad():
        outs = flatten(m(*args))
    for k, t in enumerate(outs):
        np.save(f"{prefix}.out{k}.npy", t.contiguous().numpy())


if __name__ == "__main__":
    main()
