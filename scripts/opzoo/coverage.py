# Op zoo, coverage family: ops TorchScript models commonly call that the op
# tables first lacked. Elementwise: relu6, exp/log/sqrt/rsqrt,
# sigmoid_/tanh_/abs_/neg_, clamp_/clamp_min/clamp_max (and in-place),
# maximum/minimum, __xor__, where, masked_fill, feature_dropout_. Scalars and
# lists: __xor__ on bools and ints, _unwrap_optional, list insert/pop.
# Shapes: clone, permute, expand/expand_as, flip, repeat, stack, split,
# split_with_sizes, unbind, arange. NN: mm, group_norm, instance_norm.
from typing import List, Optional

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import Tensor
from make_op_fixtures import Case

torch.manual_seed(0)


def randn(*shape, scale=1.0, dtype=torch.float32):
    return (torch.randn(*shape) * scale).to(dtype)


def randint(lo, hi, *shape, dtype=torch.int64):
    return torch.randint(lo, hi, shape).to(dtype)


# --------------------------------------------------------------------------
# Elementwise
# --------------------------------------------------------------------------


class Relu6(nn.Module):
    """relu6 and relu6_ (through F.relu6 and nn.ReLU6), on a view, on ints."""

    def __init__(self):
        super().__init__()
        self.act = nn.ReLU6(inplace=True)

    def forward(self, x: Tensor, i: Tensor):
        a = F.relu6(x)
        y = x * 1
        F.relu6(y.t()[1:], inplace=True)  # writes rows 1.. of y.t()
        z = x.clone()
        self.act(z[:, ::2])
        return a, y, z, F.relu6(i), F.relu6(x.double())


class FloatUnary(nn.Module):
    """exp, log, sqrt, rsqrt: ints and bools give float32; float64 stays;
    log/sqrt of negatives are NaN; in-place forms write through views."""

    def forward(self, x: Tensor, i: Tensor):
        p = x.abs() + 0.25
        b = x > 0
        outs = [torch.exp(x), x.log(), p.log(), torch.sqrt(p), p.rsqrt(),
                x.sqrt(), i.exp(), i.log(), i.sqrt(), i.rsqrt(), b.exp(),
                b.rsqrt(), p.double().log(), x.t().exp()]
        y = p.clone()
        y[0].exp_()
        y.t()[1].sqrt_()
        y[:, -1].rsqrt_()
        y[1:, :2].log_()
        z = x.clone()
        z[0].sigmoid_()
        z.t()[-1].tanh_()
        return outs, y, z


class InPlaceUnary(nn.Module):
    """abs_ and neg_ on views, on floats and ints."""

    def forward(self, x: Tensor, i: Tensor):
        y = x.clone()
        y.t()[0].abs_()
        y[1].neg_()
        j = i.clone()
        j.abs_()
        k = i.clone()
        k[::2].neg_()
        return y, j, k, x.abs_()


class ClampOps(nn.Module):
    """clamp_min/clamp_max with Scalar and Tensor bounds (promotion,
    broadcasting, NaN bounds), clamp_ and clamp_.Tensor, and the in-place
    min/max forms on views."""

    def forward(self, x: Tensor, i: Tensor, lo: Tensor):
        nan = torch.full([1], float("nan"))
        outs = [torch.clamp_min(x, -0.5), torch.clamp_max(x, 0.5),
                x.clamp_min(lo), x.clamp_max(lo), torch.clamp_min(i, 1.5),
                torch.clamp_max(i, 2), i.clamp_min(lo), i.clamp_max(i.flip(0)),
                torch.clamp_min(x, nan), torch.clamp_max(x, float("nan")),
                x.t().clamp_min(0.0), (x > 0).clamp_max(x < 1)]
        y = x.clone()
        y[0].clamp_(-0.1, 0.1)
        y[1].clamp_(min=0.0)
        y.t()[2].clamp_(max=0.2)
        y[2:].clamp_(lo, lo + 0.3)
        z = x.clone()
        z.t()[0].clamp_min_(0.0)
        z[1].clamp_max_(-0.2)
        z[2:].clamp_min_(lo)
        z[:, 1].clamp_max_(lo[0, 0])
        k = i.clone()
        k.clamp_(1, 3)
        k[0].clamp_min_(2)
        return outs, y, z, k


class MaxMin(nn.Module):
    """maximum/minimum: broadcasting, promotion, NaN propagation."""

    def forward(self, x: Tensor, y: Tensor, i: Tensor):
        nx = x.masked_fill(x > 1.0, float("nan"))
        return (torch.maximum(x, y), torch.minimum(x, y), x.maximum(i),
                torch.minimum(i, i.flip(-1)), torch.maximum(nx, y),
                torch.minimum(y, nx), torch.maximum(x.t(), y.unsqueeze(1)))


class Xor(nn.Module):
    """^ on bool and int tensors (Tensor and Scalar forms) and on run-time
    bools and ints."""

    def forward(self, x: Tensor, i: Tensor):
        b = x > 0
        c = x < 0.5
        n = x.size(0)
        p = bool(x.sum() > 0) ^ bool(x[0, 0] > 0)
        q = n ^ int(i[0, 0])
        r = True ^ (n > 2)
        return (b ^ c, i ^ 5, b ^ 1, i ^ i.flip(0), b ^ i, i.t() ^ 3,
                torch.tensor([int(p), q, int(r)]))


class Where(nn.Module):
    """where.self / ScalarOther / ScalarSelf / Scalar: broadcasting and
    promotion."""

    def forward(self, x: Tensor, y: Tensor, i: Tensor):
        c = x > 0
        return (torch.where(c, x, y), torch.where(c[0], x, i),
                torch.where(c, x, 0.5), torch.where(c, 2, y),
                torch.where(c, 1.0, 0.0), torch.where(c, 1, 0),
                torch.where(c, i, 7), torch.where(c, i, 2.5),
                torch.where(c.t(), x.t(), y.double().unsqueeze(1)))


class MaskedFill(nn.Module):
    """masked_fill.Scalar/.Tensor and masked_fill_: broadcast masks,
    out-of-place growth, int tensors with float values, views."""

    def forward(self, x: Tensor, i: Tensor):
        m = x > 0
        row = m[0:1]
        outs = [x.masked_fill(m, -1.0), x.masked_fill(row, float("-inf")),
                x[0].masked_fill(m, 3), i.masked_fill(i > 2, 2.7),
                x.masked_fill(m, torch.tensor(7.5)),
                i.masked_fill(i < 1, torch.tensor(4.5)),
                m.masked_fill(x < -0.5, 1), x.t().masked_fill(m.t(), 0.0)]
        y = x.clone()
        y.masked_fill_(row, 9.0)
        y.t()[0].masked_fill_(m.t()[0], -9.0)
        j = i.clone()
        j[1:].masked_fill_(j[1:] > 3, torch.tensor(-1))
        return outs, y, j


class FeatureDropout(nn.Module):
    """feature_dropout_ (F.dropout2d in place) in eval mode and with p = 1
    in training mode (both deterministic), and feature_dropout."""

    def forward(self, x: Tensor):
        y = x.clone()
        a = F.dropout2d(y, 0.5, False, True)
        z = x.clone()
        F.dropout2d(z[0:1], 1.0, True, True)
        w = F.dropout2d(x, 0.3, False, False)
        return a, y, z, w


class OtherDtypes(nn.Module):
    """The new elementwise ops on bfloat16, float16 (where PyTorch's CPU
    kernels take it), float64 and small integer types, inside the model."""

    def forward(self, x: Tensor, i: Tensor):
        b = x.to(torch.bfloat16)
        h = x.to(torch.half)
        d = x.double()
        c = x > 0
        i8 = i.to(torch.int8)
        u8 = i.to(torch.uint8)
        # (No bfloat16 rsqrt: PyTorch rounds sqrt to bfloat16 before the
        # division on short tensors but not in its vectorized loop; irc
        # rounds once, so results may differ by one bfloat16 ulp.)
        bf = [b.exp(), b.abs().log(), b.abs().sqrt(),
              F.relu6(b * 4), b.clamp_min(0.1), torch.maximum(b, b.flip(0)),
              torch.where(c, b, 0.5), b.masked_fill(c, 2.5),
              torch.arange(0, 1, 0.1, dtype=torch.bfloat16)]
        hf = [h.clamp_min(h.flip(0)), torch.minimum(h, h.flip(0)),
              torch.where(c, h, -h), h.masked_fill(c, 1.5), h.clone().abs_(),
              torch.arange(3, dtype=torch.half)]
        db = [d.exp(), d.rsqrt(), d.clamp_max(0.25), torch.where(c, d, x),
              torch.arange(0.0, 1.0, 0.125, dtype=torch.float64)]
        it = [i8.clamp_min(-1), u8.clamp_max(3), i8 ^ 3, u8 ^ u8.flip(0),
              torch.maximum(i8, u8), torch.where(c, i8, u8),
              i8.masked_fill(c, -128), F.relu6(i8), i8.abs(), i.to(torch.int32).exp(),
              torch.arange(1, 6, 2, dtype=torch.int8)]
        return ([t.float() for t in bf], [t.float() for t in hf], db, it)


# --------------------------------------------------------------------------
# Scalars and lists
# --------------------------------------------------------------------------


class UnwrapOptional(nn.Module):
    """torch.jit._unwrap_optional of present ints and floats. (Of a tensor
    it does not run yet: infer-shapes refines the optional operand but not
    the result, and the verifier then rejects the op.)"""

    def forward(self, x: Tensor) -> Tensor:
        o: Optional[int] = None
        if x.sum() < 100:
            o = x.size(0)
        f: Optional[float] = None
        if x.size(1) > 1:
            f = float(x.size(1)) * 0.5
        return x * torch.jit._unwrap_optional(o) + torch.jit._unwrap_optional(f)


class ListInsertPop(nn.Module):
    """insert (negative, past the end, before the start) and pop (default,
    front, negative) on int and tensor lists; the list is shared."""

    def forward(self, x: Tensor):
        n = x.size(0)
        l: List[int] = [n, n + 1, n + 2]
        alias = l
        l.insert(0, 10)
        l.insert(-1, 11)
        l.insert(100, 12)
        alias.insert(-100, 13)
        l.insert(2, 14)
        p1 = l.pop()
        p2 = l.pop(0)
        p3 = alias.pop(-2)
        ts: List[Tensor] = [x, x * 2]
        ts.insert(1, x + 1)
        last = ts.pop()
        first = ts.pop(0)
        return torch.tensor(l + [p1, p2, p3, len(alias)]), ts[0], last, first


# --------------------------------------------------------------------------
# Shape ops
# --------------------------------------------------------------------------


class Clone(nn.Module):
    """clone of views (strided, transposed, expanded) and with a memory
    format; the clone shares nothing with its source."""

    def forward(self, x: Tensor):
        a = x.t().clone()
        b = x[:, ::2].clone()
        c = x[0:1].expand(3, -1).clone()
        d = x.clone(memory_format=torch.contiguous_format)
        e = x.unsqueeze(0).unsqueeze(0).clone(
            memory_format=torch.channels_last)
        a.add_(1)  # not seen in x
        c[0].mul_(0)  # not seen in x, nor in c's other rows
        return x, a, b, c, d, e.contiguous()


class Permute(nn.Module):
    """permute with negative dims, as a view written through in place."""

    def forward(self, x: Tensor):
        a = x.permute(2, 0, 1)
        b = x.permute([-1, -3, -2])
        c = x.permute(0, 1, 2)
        y = x.clone()
        y.permute(1, 2, 0)[0].mul_(-1)
        s = torch.ones(1).sum().permute([])
        return a, b, c, y, a.permute(1, 2, 0) + 1, s


class Expand(nn.Module):
    """expand with -1, new leading dims and size-1 dims, expand_as, and
    reading a base's later in-place change through its expanded view."""

    def forward(self, x: Tensor, y: Tensor):
        a = x.expand(2, 3, 4)
        b = x.expand(-1, 4)
        c = x[0].expand(2, 2, 4)
        d = torch.ones(1).sum().expand(3)
        e = x.expand_as(y)
        base = x.clone()
        v = base.expand(2, 3, 4)
        base.add_(1)
        return a * 1, b + 0, c, d, e - y, v.sum(0)


class Flip(nn.Module):
    def forward(self, x: Tensor, i: Tensor):
        return (x.flip(0), x.flip([0, 2]), torch.flip(x, [-1]),
                x[0].t().flip(1), i.flip([0]), x.flip([]), x[:, ::2].flip(-1, -3))


class Repeat(nn.Module):
    def forward(self, x: Tensor, i: Tensor):
        return (x.repeat(2, 1), x.repeat(1, 2, 3), x.t().repeat(2, 2),
                i.repeat(3), x.repeat(0, 2), x[0].repeat([2, 1, 1]))


class Stack(nn.Module):
    """stack at every dim (negative too) and with promotion."""

    def forward(self, x: Tensor, y: Tensor, i: Tensor):
        return (torch.stack([x, y]), torch.stack([x, y, x], 1),
                torch.stack([x, y], -1), torch.stack((x.t(), y.t()), dim=2),
                torch.stack([x, i]), torch.stack([x[0, 0], y[1, 1]]),
                torch.stack([x]))


class Split(nn.Module):
    """split by size (uneven, larger than the dim), by sizes, split_with_sizes
    and unbind, with negative dims; the pieces are views."""

    def forward(self, x: Tensor):
        a = x.split(2)
        b = torch.split(x, 3, dim=-1)
        c = x.split([1, 3], 1)
        d = torch.split(x, [2, 0, 3], -1)
        e = x.split_with_sizes([3, 2], dim=0)
        f = x.split(10, 2)
        g = x.unbind()
        h = torch.unbind(x, -1)
        y = x.clone()
        for p in y.split(2, -1):
            p[0].mul_(-1)
        for q in y.unbind(1):
            q[:, 0].add_(10)
        return a, b, c, d, e, f, g, h, y


class Arange(nn.Module):
    """arange, arange.start and arange.start_step: inferred and explicit
    dtypes, float and negative steps, sizes from the input."""

    def forward(self, x: Tensor):
        n = x.size(0)
        f = float(x.size(1)) / 4.0
        return (torch.arange(n), torch.arange(2, n + 3),
                torch.arange(1, 2 * n, 2), torch.arange(0.0, f, 0.3),
                torch.arange(n, 0, -1), torch.arange(5.0, -1.0, -1.5),
                torch.arange(n, dtype=torch.float64),
                torch.arange(-2.5, 2.4, dtype=torch.int64),
                torch.arange(0.5, 5, dtype=torch.int32),
                torch.arange(f), torch.arange(0, n, 0.25, dtype=torch.float32),
                torch.arange(1, 1))


class Mm(nn.Module):
    def forward(self, a: Tensor, b: Tensor, i: Tensor, j: Tensor):
        return (torch.mm(a, b), a.mm(a.t()), torch.mm(b.t(), a.t()),
                torch.mm(i, j), torch.mm(a[:, :0], b[:0]), a.double().mm(b.double()))


class GroupNorm(nn.Module):
    def __init__(self):
        super().__init__()
        self.gn = nn.GroupNorm(2, 6)
        with torch.no_grad():
            self.gn.weight.copy_(torch.randn(6))
            self.gn.bias.copy_(torch.randn(6))
        self.plain = nn.GroupNorm(3, 6, affine=False, eps=1e-3)

    def forward(self, x: Tensor, y: Tensor):
        return (self.gn(x), self.plain(x), F.group_norm(y, 1),
                F.group_norm(x.transpose(2, 3), 6), self.gn(y))


class InstanceNorm(nn.Module):
    def __init__(self):
        super().__init__()
        self.affine = nn.InstanceNorm2d(3, affine=True)
        with torch.no_grad():
            self.affine.weight.copy_(torch.randn(3))
            self.affine.bias.copy_(torch.randn(3))
        self.tracked = nn.InstanceNorm1d(3, track_running_stats=True)
        self.tracked.running_mean.copy_(torch.randn(3))
        self.tracked.running_var.copy_(torch.rand(3) + 0.5)

    def forward(self, x: Tensor, y: Tensor):
        return (self.affine(x), F.instance_norm(x, eps=1e-3), self.tracked(y),
                F.instance_norm(y))


class InstanceNormStats(nn.Module):
    """instance_norm with input statistics and running statistics to update
    (as InstanceNorm with track_running_stats does in training mode), one
    pair held in a strided view."""

    def forward(self, x: Tensor, rm: Tensor, rv: Tensor, w: Tensor):
        mean = rm * 2.0
        var = rv * 2.0
        y = torch.instance_norm(x, w, None, mean, var, True, 0.3, 1e-5, False)
        stats = torch.cat([rm.unsqueeze(1), rv.unsqueeze(1)], 1)
        z = torch.instance_norm(x, None, w, stats[:, 0], stats[:, 1], True,
                                0.1, 1e-3, False)
        return y, mean, var, z, stats


class TracedShapes(nn.Module):
    """The same shape ops as a trace records them. (arange with a size from
    the input is left out: a trace records it as
    `arange(annotate(number, <tensor>))`, which the importer does not convert
    yet.)"""

    def forward(self, x: Tensor):
        a, b = x.split(2, dim=1)
        parts = x.unbind(0)
        return (a.permute(1, 0, 2).flip(0), b.expand(2, 2, 2, 3).clone(),
                torch.stack(parts, 1).repeat(1, 2, 1, 1),
                torch.arange(3) + x[0, 0, 0], torch.mm(x[0], x[1].t()))


CASES = [
    Case("relu6", Relu6(), (randn(3, 4, scale=5), randint(-8, 9, 5))),
    Case("float_unary", FloatUnary(), (randn(3, 4), randint(0, 9, 6))),
    Case("inplace_unary", InPlaceUnary(), (randn(3, 4), randint(-5, 5, 5))),
    Case("clamp", ClampOps(), (randn(4, 3), randint(-3, 6, 4, 3),
                               randn(1, 3, scale=0.3))),
    Case("maximum_minimum", MaxMin(), (randn(3, 4), randn(4),
                                       randint(-2, 3, 3, 4))),
    Case("xor", Xor(), (randn(3, 4), randint(0, 16, 3, 4))),
    Case("where", Where(), (randn(3, 4), randn(4), randint(-5, 5, 3, 4))),
    Case("masked_fill", MaskedFill(), (randn(3, 4), randint(0, 6, 3, 4))),
    Case("feature_dropout", FeatureDropout(), (randn(2, 3, 2, 2),)),
    Case("other_dtypes", OtherDtypes(), (randn(8), randint(-4, 5, 8))),
    Case("unwrap_optional", UnwrapOptional(), (randn(3, 2),)),
    Case("list_insert_pop", ListInsertPop(), (randn(4),)),
    Case("clone", Clone(), (randn(3, 4),)),
    Case("permute", Permute(), (randn(2, 3, 4),)),
    Case("expand", Expand(), (randn(3, 1), randn(3, 5))),
    Case("flip", Flip(), (randn(2, 3, 4), randint(0, 9, 5))),
    Case("repeat", Repeat(), (randn(2, 3), randint(0, 9, 4))),
    Case("stack", Stack(), (randn(2, 3), randn(2, 3), randint(0, 9, 2, 3))),
    Case("split", Split(), (randn(5, 4, 5),)),
    Case("arange", Arange(), (randn(4, 6),)),
    Case("mm", Mm(), (randn(3, 4), randn(4, 5), randint(-4, 5, 2, 3),
                      randint(-4, 5, 3, 2))),
    Case("group_norm", GroupNorm(), (randn(2, 6, 3, 4, scale=3),
                                     randn(3, 6, 5))),
    Case("instance_norm", InstanceNorm(), (randn(2, 3, 4, 5, scale=2),
                                           randn(2, 3, 6))),
    Case("instance_norm_stats", InstanceNormStats(),
         (randn(2, 3, 5, scale=2), randn(3), torch.rand(3) + 0.5, randn(3))),
    Case("traced_shapes", TracedShapes(), (randn(2, 4, 3),), trace=True),
]
