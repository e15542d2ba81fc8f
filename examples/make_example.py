#!/usr/bin/python3
"""Write the README's example: torchvision's mobilenet_v3_small, scripted and
saved as PyTorch users deploy it, with an input and PyTorch's output for it.

    /usr/bin/python3 examples/make_example.py OUTDIR

writes OUTDIR/mobilenet_v3_small.pt, OUTDIR/input.npy (1x3x224x224 float32)
and OUTDIR/expected.npy (the 1x1000 logits torch.jit.load(...) computes).
Weights are random (no download, PyTorch's default init for the classifier)
but BatchNorm statistics are calibrated on random batches, so every layer
does real work.
"""
import os
import sys
import warnings

import numpy as np
import torch
import torchvision

warnings.filterwarnings("ignore")


def main() -> int:
    outdir = sys.argv[1] if len(sys.argv) > 1 else "example"
    os.makedirs(outdir, exist_ok=True)
    torch.manual_seed(0)
    model = torchvision.models.mobilenet_v3_small(weights=None)
    for m in model.modules():  # logits of order 1 rather than 0.01
        if isinstance(m, torch.nn.Linear):
            m.reset_parameters()
    # Calibrate BatchNorm running statistics (a cumulative average over a few
    # random batches), so activations keep unit scale through the network.
    bns = [b for b in model.modules() if isinstance(b, torch.nn.BatchNorm2d)]
    for b in bns:
        b.reset_running_stats()
        b.momentum = None
    model.train()
    with torch.no_grad():
        for _ in range(2):
            model(torch.randn(2, 3, 224, 224))
    for b in bns:
        b.momentum = 0.01  # what torchvision's mobilenet_v3 uses
    model.eval()
    path = os.path.join(outdir, "mobilenet_v3_small.pt")
    torch.jit.save(torch.jit.script(model), path)
    x = torch.randn(1, 3, 224, 224, generator=torch.Generator().manual_seed(1234))
    with torch.no_grad():
        y = torch.jit.load(path)(x)
    np.save(os.path.join(outdir, "input.npy"), x.numpy())
    np.save(os.path.join(outdir, "expected.npy"), y.numpy())
    print(f"wrote {path} and its input and PyTorch output in {outdir}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
