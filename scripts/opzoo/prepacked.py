# Op zoo: the XNNPACK prepacked ops that optimize_for_mobile leaves in a model
# (prepacked::conv2d_clamp_run, conv2d_transpose_clamp_run, linear_clamp_run
# with their contexts folded into constants), the *_prepack ops called
# explicitly, and the quantized-tensor helpers (aten::quantize_per_tensor and
# its overloads, aten::dequantize).
#
# The optimized cases hand make_op_fixtures.py an already scripted and
# optimized module: torch.jit.script returns a ScriptModule unchanged.
from typing import List, Tuple

import torch
import torch.nn as nn
from torch import Tensor
from torch.utils.mobile_optimizer import optimize_for_mobile
from make_op_fixtures import Case


def optimized(m: nn.Module) -> torch.jit.ScriptModule:
    return optimize_for_mobile(torch.jit.script(m.eval()))


class ConvRelu(nn.Module):
    """conv2d_clamp_run with output_min 0 (fused relu), plus a plain conv."""
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 8, 3, padding=1)
        self.c2 = nn.Conv2d(8, 4, 1, bias=False)

    def forward(self, x: Tensor) -> Tensor:
        return self.c2(torch.relu(self.c1(x)))


class ConvHardtanh(nn.Module):
    """Strided, grouped, dilated convs fused with hardtanh clamps."""
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(4, 8, (3, 2), stride=(2, 1), padding=(1, 2), groups=2)
        self.c2 = nn.Conv2d(8, 8, 3, dilation=2, padding=2, groups=8)
        self.c3 = nn.Conv2d(8, 6, 5, stride=3, padding=0)

    def forward(self, x: Tensor) -> Tensor:
        y = torch.nn.functional.hardtanh(self.c1(x), -0.5, 0.25)
        y = torch.nn.functional.hardtanh(self.c2(y), 0.0, 6.0) * 4.0
        return self.c3(y)


class ConvTranspose(nn.Module):
    """conv2d_transpose_clamp_run (optimize_for_mobile does not fuse a clamp
    into it)."""
    def __init__(self):
        super().__init__()
        self.t1 = nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1)
        self.t2 = nn.ConvTranspose2d(6, 4, (3, 2), stride=(3, 2), padding=(2, 0),
                                     output_padding=(1, 0), dilation=(1, 2), groups=2,
                                     bias=False)

    def forward(self, x: Tensor) -> Tensor:
        return self.t2(torch.relu(self.t1(x)))


class Linears(nn.Module):
    """linear_clamp_run on 1-d, 2-d and 3-d inputs, with and without clamps."""
    def __init__(self):
        super().__init__()
        self.l1 = nn.Linear(5, 7)
        self.l2 = nn.Linear(7, 3, bias=False)
        self.l3 = nn.Linear(5, 4)
        self.l4 = nn.Linear(5, 7)

    def forward(self, v: Tensor, x: Tensor, z: Tensor) -> Tuple[Tensor, Tensor, Tensor]:
        a = self.l2(torch.relu(self.l1(v)))
        b = torch.nn.functional.hardtanh(self.l4(x), -0.3, 0.3)
        c = self.l3(z.transpose(0, 1))
        return a, b, c


class ExplicitPrepack(nn.Module):
    """The *_prepack ops called directly (not folded), then run."""
    def __init__(self):
        super().__init__()
        # Buffers: XNNPACK refuses weights that require grad.
        self.register_buffer("lw", torch.randn(4, 6))
        self.register_buffer("lb", torch.randn(4))
        self.register_buffer("cw", torch.randn(6, 2, 3, 3))
        self.register_buffer("cb", torch.randn(6))
        self.register_buffer("tw", torch.randn(6, 3, 2, 2))

    def forward(self, x: Tensor) -> Tuple[Tensor, Tensor]:
        c = torch.ops.prepacked.conv2d_clamp_prepack(self.cw, self.cb, [2, 1], [1, 1],
                                                     [1, 1], 2, -1.0, 1.5)
        y = torch.ops.prepacked.conv2d_clamp_run(x, c)
        t = torch.ops.prepacked.conv2d_transpose_clamp_prepack(
            self.tw, None, [2, 2], [0, 1], [1, 0], [1, 1], 1, None, 0.5)
        y = torch.ops.prepacked.conv2d_transpose_clamp_run(y, t)
        l = torch.ops.prepacked.linear_clamp_prepack(self.lw, self.lb, 0, None)
        return y, torch.ops.prepacked.linear_clamp_run(y.reshape(-1, 6), l)


class QuantizeDequantize(nn.Module):
    """quantize_per_tensor (float qparams) round trips for the three dtypes."""
    def forward(self, x: Tensor) -> Tuple[Tensor, Tensor, Tensor]:
        a = torch.quantize_per_tensor(x, 0.5, 3, torch.quint8).dequantize()
        b = torch.quantize_per_tensor(x.t(), 0.25, -2, torch.qint8).dequantize()
        c = torch.quantize_per_tensor(x * 100.0, 0.5, 7, torch.qint32).dequantize()
        return a, b, c


class QuantizeTensorQparams(nn.Module):
    def forward(self, x: Tensor, scale: Tensor, zp: Tensor) -> Tensor:
        return torch.quantize_per_tensor(x, scale, zp, torch.quint8).dequantize()


class QuantizeTensors(nn.Module):
    def forward(self, x: Tensor, y: Tensor, scales: Tensor, zps: Tensor) -> Tuple[Tensor, Tensor]:
        qs = torch.quantize_per_tensor([x, y], scales, zps, torch.qint8)
        return qs[0].dequantize(), qs[1].dequantize()


class QuantizedBuffers(nn.Module):
    """Quantized tensor constants: per-channel along axis 1, per-tensor qint32."""
    def __init__(self):
        super().__init__()
        w = torch.randn(3, 4, 2)
        self.qc = torch.quantize_per_channel(w, torch.tensor([0.1, 0.05, 0.2, 0.02]),
                                             torch.tensor([0, -3, 5, 1]), 1, torch.qint8)
        self.qt = torch.quantize_per_tensor(w * 10, 0.01, -40, torch.qint32)

    def forward(self, x: Tensor) -> Tuple[Tensor, Tensor]:
        return x + self.qc.dequantize(), x * self.qt.dequantize()


def r(*shape):
    return torch.randn(*shape)


# Exact ties at scale 0.5 / 0.25 (x * inv_scale = k + 0.5) and out-of-range values.
TIES = torch.tensor([[-1.25, -0.75, -0.25, 0.25, 0.75, 1.25],
                     [2.75, 3.3, -3.7, 200.0, -200.0, 0.0],
                     [1.0, -1.0, 0.125, -0.125, 60.0, -60.0]])

CASES = [
    Case("conv_relu", optimized(ConvRelu()), (r(2, 3, 9, 7),)),
    Case("conv_hardtanh", optimized(ConvHardtanh()), (r(1, 4, 13, 11),)),
    Case("conv_transpose", optimized(ConvTranspose()), (r(2, 4, 5, 6),)),
    Case("linear", optimized(Linears()), (r(5), r(3, 5), r(4, 2, 5))),
    Case("explicit_prepack", ExplicitPrepack(), (r(1, 4, 6, 5),)),
    Case("quantize_dequantize", QuantizeDequantize(), (TIES,)),
    Case("quantize_tensor_qparams", QuantizeTensorQparams(),
         (TIES, torch.tensor(0.5), torch.tensor(3))),
    Case("quantize_tensors", QuantizeTensors(),
         (TIES, TIES * 3, torch.tensor([0.5, 0.25]), torch.tensor([3, -1]))),
    Case("quantized_buffers", QuantizedBuffers(), (r(3, 4, 2),)),
]
