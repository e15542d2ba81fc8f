# Op zoo: reductions (sum, mean, max/min, argmax, norms, softmax, topk).
# Each case mixes dims (negative, lists, none), keepdim, dtype= arguments and
# non-contiguous inputs (transposes/permutes/slices inside forward).

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import Tensor
from make_op_fixtures import Case


class Softmax(nn.Module):
    def forward(self, x: Tensor):
        xt = x.transpose(0, 2)  # non-contiguous
        return (torch.softmax(x, -1), torch.softmax(x, 1), F.softmax(xt, dim=1),
                torch.softmax(x * 100.0, 0),  # large logits: must not overflow
                torch.softmax(x, -2, dtype=torch.float64))


class LogSoftmax(nn.Module):
    def forward(self, x: Tensor):
        xt = x.transpose(0, 2).transpose(1, 2)  # (5, 3, 4), non-contiguous
        return (torch.log_softmax(x, -1), F.log_softmax(xt, dim=0),
                torch.log_softmax(x * 1000.0, 2), x.log_softmax(1),
                torch.log_softmax(x.double(), 0, dtype=torch.float32))


class SoftmaxIntDtype(nn.Module):
    # An integer input with dtype= converts before the softmax.
    def forward(self, i: Tensor):
        return torch.softmax(i, 1, dtype=torch.float32), torch.log_softmax(i, 0, dtype=torch.float64)


class SoftmaxScalar(nn.Module):
    def forward(self, s: Tensor, v: Tensor):
        return torch.softmax(s, 0), torch.log_softmax(s, -1), torch.softmax(v, 0)


class SoftmaxTraced(nn.Module):
    def forward(self, x: Tensor) -> Tensor:
        return F.softmax(x[:, 1:], dim=-1) + F.log_softmax(x[:, :-1], dim=-1)


class SumAll(nn.Module):
    def forward(self, x: Tensor, i: Tensor, b: Tensor):
        return (x.sum(), i.sum(), b.sum(), torch.sum(x, dtype=torch.float64),
                torch.sum(i, dtype=torch.float32), x.t().sum(),
                i.to(torch.int8).sum())  # int8 sums to int64 (no wrap)


class SumDims(nn.Module):
    def forward(self, x: Tensor, i: Tensor, b: Tensor):
        xp = x.transpose(0, 2).transpose(1, 2)
        return (x.sum(1), x.sum(-1, keepdim=True), x.sum((0, 2)),
                xp.sum([1, -1]), x.sum([]),
                i.sum(0), i.to(torch.int32).sum(1, dtype=torch.int32),
                b.sum(-1, keepdim=True),
                torch.sum(x, dim=[0, 1], keepdim=True, dtype=torch.float64))


class SumWrap(nn.Module):
    # With dtype=int8 the input is converted first and the sum wraps.
    def forward(self, i: Tensor):
        return i.sum(0, dtype=torch.int8), (i * 1000).to(torch.int16).sum(dtype=torch.int16)


class SumNone(nn.Module):
    def forward(self, x: Tensor):
        return torch.sum(x, dim=None), torch.mean(x, dim=None, keepdim=True)


class Mean(nn.Module):
    def forward(self, x: Tensor, i: Tensor):
        return (x.mean(), x.mean(1), x.mean((0, -1), keepdim=True),
                x.transpose(0, 1).mean(0), torch.mean(i, dtype=torch.float32),
                x.mean([1], dtype=torch.float64), i.mean(dim=[-1], dtype=torch.float64))


class MaxMin(nn.Module):
    def forward(self, x: Tensor, i: Tensor, b: Tensor):
        v1, i1 = x.max(1)
        v2, i2 = torch.min(x, -1, keepdim=True)
        v3, i3 = x.t().max(0)
        return x.max(), x.t().min(), i.max(), b.min(), v1, i1, v2, i2, v3, i3


class MaxMinInt(nn.Module):
    # Integer inputs with ties: the index is the first occurrence.
    def forward(self, i: Tensor, b: Tensor):
        v1, i1 = i.max(0)
        v2, i2 = torch.min(i.t(), dim=1, keepdim=True)
        v3, i3 = b.max(-1)
        return v1, i1, v2, i2, v3, i3


class MaxMinScalar(nn.Module):
    def forward(self, s: Tensor):
        v1, i1 = s.max(0)
        v2, i2 = s.min(-1, keepdim=True)
        return v1, i1, v2, i2


class Argmax(nn.Module):
    def forward(self, x: Tensor, i: Tensor):
        return (x.argmax(), x.argmax(1), torch.argmax(x, -1, keepdim=True),
                x.transpose(0, 2).argmax(0), torch.argmax(x, keepdim=True),
                i.argmax(), i.t().argmax(dim=1))


class NormMethods(nn.Module):
    # Tensor.norm resolves to the aten::norm overloads directly.
    def forward(self, x: Tensor):
        return (x.norm(), x.norm(1), x.t().norm(3.5),
                x.norm(2, 1), x.norm(1, [0, -1], True),
                x.norm(float('inf'), -1), x.norm(0, 1),
                x.t().norm(-1.5, 0))


class NormDtype(nn.Module):
    def forward(self, x: Tensor, i: Tensor):
        return (x.norm(2, [1], True, dtype=torch.float64),
                x.norm(float('-inf'), [0], False, dtype=torch.float64),
                x.norm(3, dtype=torch.float64),
                i.norm(2, [0], False, dtype=torch.float32),  # int input is fine with dtype
                x.double().norm(1, dtype=torch.float32))


class NormFunctional(nn.Module):
    # torch.norm is Python (torch.functional.norm); traced, it records the
    # frobenius_norm and norm overloads it picks.
    def forward(self, x: Tensor):
        return (torch.norm(x), torch.norm(x, p='fro', dim=(0, 1)),
                torch.norm(x, p='fro', dim=[-1], keepdim=True),
                torch.norm(x, p=1, dim=1), torch.norm(x, p=3.0),
                torch.norm(x, p=2, dim=1, keepdim=True, dtype=torch.float64),
                torch.norm(x, p=2, dtype=torch.float64),
                torch.norm(x.t(), p=float('inf')))


class FrobeniusNorm(nn.Module):
    def forward(self, x: Tensor):
        return (torch.frobenius_norm(x), torch.frobenius_norm(x, [0, 2]),
                torch.frobenius_norm(x.transpose(0, 2), [-1], True),
                torch.frobenius_norm(x, [1, 0], False))


class VectorNorm(nn.Module):
    def forward(self, x: Tensor):
        return (torch.linalg.vector_norm(x), torch.linalg.vector_norm(x, 1, dim=1),
                torch.linalg.vector_norm(x, float('inf'), dim=(0, 2), keepdim=True),
                torch.linalg.vector_norm(x, float('-inf'), dim=-1),
                torch.linalg.vector_norm(x, 0, dim=[0]),
                torch.linalg.vector_norm(x.transpose(0, 1).transpose(1, 2), 2.5, dim=(-1, 0)),
                torch.linalg.vector_norm(x, -2, dim=2, dtype=torch.float64),
                torch.linalg.vector_norm(x, 2, dim=None, keepdim=True, dtype=torch.float64))


class Topk(nn.Module):
    def forward(self, x: Tensor):
        v1, i1 = torch.topk(x, 3)
        v2, i2 = x.topk(2, dim=0, largest=False)
        v3, i3 = x.t().topk(4, 1)  # non-contiguous, along the strided dim
        v4, i4 = torch.topk(x, 1, -2, True, True)
        return v1, i1, v2, i2, v3, i3, v4, i4


class TopkUnsorted(nn.Module):
    # sorted=False leaves the order unspecified: compare order-free sums.
    def forward(self, x: Tensor):
        v, i = torch.topk(x, 3, dim=1, sorted=False)
        return v.sum(1), i.sum(1)


class TopkInt(nn.Module):
    def forward(self, i: Tensor):
        v1, i1 = torch.topk(i, 2)
        v2, i2 = torch.topk(i.to(torch.float64), 5, largest=False)
        return v1, i1, v2, i2


def distinct(*shape: int) -> Tensor:
    """Float values without ties (a shuffled arange), scaled a little."""
    n = 1
    for s in shape:
        n *= s
    return (torch.randperm(n).to(torch.float32) * 0.37 - n * 0.1).reshape(shape)


CASES = [
    Case("softmax", Softmax(), (torch.randn(2, 3, 4),)),
    Case("log_softmax", LogSoftmax(), (torch.randn(3, 4, 5),)),
    Case("softmax_int_dtype", SoftmaxIntDtype(), (torch.randint(-3, 4, (3, 4)),)),
    Case("softmax_scalar", SoftmaxScalar(), (torch.tensor(1.5), torch.randn(1))),
    Case("softmax_traced", SoftmaxTraced(), (torch.randn(3, 5),), trace=True),
    Case("sum_all", SumAll(), (torch.randn(4, 5), torch.randint(-50, 50, (3, 4)),
                              torch.rand(5, 3) > 0.5)),
    Case("sum_dims", SumDims(), (torch.randn(2, 3, 4), torch.randint(-9, 9, (4, 3)),
                                torch.rand(3, 6) > 0.3)),
    Case("sum_wrap", SumWrap(), (torch.randint(60, 127, (4, 3)),)),
    Case("sum_none", SumNone(), (torch.randn(3, 4),)),
    Case("mean", Mean(), (torch.randn(3, 4, 5), torch.randint(-9, 9, (3, 4)))),
    Case("max_min", MaxMin(), (distinct(4, 6), torch.randint(-9, 9, (3, 4)),
                              torch.rand(3, 3) > 0.5)),
    Case("max_min_int_ties", MaxMinInt(), (torch.randint(0, 3, (6, 5)),
                                          torch.rand(4, 6) > 0.5)),
    Case("max_min_scalar", MaxMinScalar(), (torch.tensor(2.5),)),
    Case("argmax", Argmax(), (distinct(3, 4, 5), torch.randint(0, 4, (5, 6)))),
    Case("norm_methods", NormMethods(), (torch.randn(4, 5),)),
    Case("norm_dtype", NormDtype(), (torch.randn(3, 4), torch.randint(-5, 5, (3, 4)))),
    Case("norm_functional", NormFunctional(), (torch.randn(3, 4),), trace=True),
    Case("frobenius_norm", FrobeniusNorm(), (torch.randn(2, 3, 4),)),
    Case("vector_norm", VectorNorm(), (torch.randn(2, 3, 4),)),
    Case("topk", Topk(), (distinct(5, 7),)),
    Case("topk_unsorted", TopkUnsorted(), (distinct(4, 9),)),
    Case("topk_int", TopkInt(), (torch.randperm(12).reshape(2, 6),)),
]
