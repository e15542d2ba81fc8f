# Op-zoo family "factory": zeros/ones/full/eye/linspace/zeros_like/empty,
# torch.tensor from (nested) lists and numbers, with default and explicit
# dtypes. rand/randn only appear multiplied by zero or compared against
# their range, as irc's generator differs from PyTorch's.
from typing import List

import torch
import torch.nn as nn
from torch import Tensor
from make_op_fixtures import Case


class ZerosOnesFull(nn.Module):
    def forward(self, x: Tensor):
        n = x.size(0)
        a = torch.zeros(n, 3) + x
        b = torch.ones([2, n], dtype=torch.int32)
        c = torch.full((2, 2), 3)              # int64
        d = torch.full([3], 2.5)               # float32
        e = torch.full([2], -1, dtype=torch.bool)
        f = torch.full([2, 1], 7, dtype=torch.float64)
        g = torch.zeros(0, 2)
        h = torch.ones((), dtype=torch.float16)
        return a, b, c, d, e, f, g, h


class ZerosLikeEmpty(nn.Module):
    def forward(self, x: Tensor, i: Tensor):
        a = torch.zeros_like(x)
        b = torch.zeros_like(x.t(), dtype=torch.int64)
        c = torch.zeros_like(i, dtype=torch.float32) + 1
        e = torch.empty(2, 3)
        e.mul_(0).add_(x[0])                   # defined before it is read
        f = torch.empty([2, 3], dtype=torch.int32, memory_format=torch.contiguous_format)
        f.copy_(i)
        return a, b, c, e, f


class Eye(nn.Module):
    def forward(self, x: Tensor):
        return (torch.eye(3), torch.eye(2, 4), torch.eye(3, 1, dtype=torch.int64),
                torch.eye(0), x @ torch.eye(x.size(1)), torch.eye(2, dtype=torch.bool))


class Linspace(nn.Module):
    def forward(self, x: Tensor):
        return (torch.linspace(0, 1, 5), torch.linspace(-2.5, 3.0, steps=7),
                torch.linspace(3, -1.5, 7, dtype=torch.float64),
                torch.linspace(0, 10, 4, dtype=torch.int64),
                torch.linspace(-1.5, 3.9, 4, dtype=torch.int32),
                torch.linspace(2, 5, 1), torch.linspace(0, 1, 0),
                x + torch.linspace(0.0, 1.0, x.size(-1)))


class TensorFromLists(nn.Module):
    def forward(self, x: Tensor):
        a = torch.tensor([[1, 2, 3], [4, 5, 6]])               # int64
        b = torch.tensor([0.1, 2.5, -3.0])                     # float32
        c = torch.tensor([True, False])
        d = torch.tensor([0.1, 0.2], dtype=torch.float64)      # via float32
        e = torch.tensor([[1, 2], [3, 4]], dtype=torch.float32)
        f = torch.tensor([[[1.5], [2.5]]], dtype=torch.int32)
        vals: List[float] = [float(x.size(0)), float(x.size(1))]
        g = torch.tensor(vals) * x.sum()
        empty: List[float] = []
        h = torch.tensor(empty)
        return a, b, c, d, e, f, g, h


class TensorFromNumbers(nn.Module):
    def forward(self, x: Tensor):
        n = x.size(0)
        s = float(x.sum())
        return (torch.tensor(n), torch.tensor(2.5), torch.tensor(True),
                torch.tensor(s, dtype=torch.float64), torch.tensor(n, dtype=torch.float32),
                torch.tensor(False, dtype=torch.int64), x * torch.tensor(3))


class RandomShapes(nn.Module):
    def forward(self, x: Tensor):
        r = torch.rand(3, 4)
        in_range = ((r >= 0) & (r < 1)).to(torch.int64)
        z = torch.randn(2, 3, dtype=torch.float64) * 0
        return in_range, z + x, torch.randn([5]).size(0) * x


CASES = [
    Case("zeros_ones_full", ZerosOnesFull(), (torch.randn(4, 3),)),
    Case("zeros_like_empty", ZerosLikeEmpty(), (torch.randn(2, 3), torch.tensor([[1, 2, 3], [4, 5, 6]]))),
    Case("eye", Eye(), (torch.randn(2, 3),)),
    Case("linspace", Linspace(), (torch.randn(2, 6),)),
    Case("tensor_from_lists", TensorFromLists(), (torch.randn(2, 3),)),
    Case("tensor_from_numbers", TensorFromNumbers(), (torch.randn(2, 3),)),
    Case("random_shapes", RandomShapes(), (torch.randn(2, 3),)),
]
