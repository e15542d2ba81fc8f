# Op zoo: elementwise ops (activations, clamp, neg/abs, dropout in eval mode,
# add/sub/mul/div and the division modes, floor_divide, remainder, pow,
# _add_relu, maximum/minimum, bitwise and/or, logical_xor, comparisons).
# Cases mix dtypes (f32, f64, f16, int64/32/16/8, uint8, bool), broadcasting,
# 0-d tensors, Python-scalar promotion (int tensor + 2.5), non-contiguous
# inputs (x.t(), slices) and in-place ops on views of a copy.

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import Tensor
from typing import Tuple
from make_op_fixtures import Case


def ints(*shape, lo=-20, hi=20, dtype=torch.int64):
    return torch.randint(lo, hi, shape).to(dtype)


def nonzero_ints(*shape, dtype=torch.int64):
    # Integer divisors without zeros, both signs.
    t = torch.randint(1, 9, shape)
    sign = torch.where(torch.rand(shape) > 0.5, 1, -1)
    return (t * sign).to(dtype)


class Activations(nn.Module):
    def forward(self, x: Tensor):
        xt = x.t()  # non-contiguous
        return (torch.relu(xt), F.leaky_relu(x), F.leaky_relu(xt, 0.2), F.silu(xt),
                F.hardtanh(x), F.hardtanh(xt, -0.5, 2.0), F.hardswish(xt),
                F.hardsigmoid(x), torch.sigmoid(xt), torch.tanh(x),
                F.gelu(xt), F.gelu(x, approximate="tanh"))


class ActivationsF64(nn.Module):
    def forward(self, x: Tensor):
        return (torch.relu(x), F.leaky_relu(x, 0.1), F.silu(x), F.hardtanh(x, -2.0, 2.0),
                F.hardswish(x), F.hardsigmoid(x), torch.sigmoid(x), torch.tanh(x),
                F.gelu(x), F.gelu(x, approximate="tanh"))


class ActivationModules(nn.Module):
    def __init__(self):
        super().__init__()
        self.seq = nn.Sequential(nn.ReLU(), nn.Hardswish(), nn.Tanh())
        self.gelu = nn.GELU(approximate="tanh")
        self.silu = nn.SiLU()
        self.hs = nn.Hardsigmoid()
        self.lrelu = nn.LeakyReLU(0.3)
        self.relu6 = nn.ReLU6()

    def forward(self, x: Tensor):
        return self.seq(x), self.gelu(x), self.silu(x), self.hs(x), self.lrelu(x), self.relu6(x * 4.0)


class ActivationsInPlace(nn.Module):
    # In-place activations on a copy (x + 0) and on views of it (select, slice,
    # transpose): every write must land in y.
    def forward(self, x: Tensor):
        y = (x + 0)
        torch.relu_(y[0])
        F.leaky_relu_(y.select(0, 1), 0.5)
        F.hardtanh_(y[2:4], -0.5, 0.5)
        F.silu(y.select(1, 1), inplace=True)
        F.hardswish(y[:, 2:3], inplace=True)
        F.hardsigmoid(y[4], inplace=True)
        z = (x + 0).t()
        F.hardtanh_(z, 0.0, 6.0)
        w = (x + 0)
        r = torch.relu_(w)  # returns self
        return y, z, w, r


class Elu(nn.Module):
    # F.elu and nn.ELU (alpha only), in place, and aten::elu's scale and
    # input_scale (as SELU and CELU use them).
    def __init__(self):
        super().__init__()
        self.elu = nn.ELU(alpha=1.5)

    def forward(self, x: Tensor):
        y = x + 0
        F.elu(y[0], 0.3, inplace=True)
        return (F.elu(x), self.elu(x.transpose(1, 3)), y,
                torch.ops.aten.elu(x, 0.5, 2.0, 1.5))


class ActivationsInt(nn.Module):
    # relu and hardtanh keep integer dtypes; hardtanh truncates float bounds.
    def forward(self, i: Tensor, i8: Tensor, u8: Tensor):
        return (torch.relu(i), torch.relu(i8), torch.relu(u8), F.hardtanh(i), F.hardtanh(i8, -5.5, 7.9),
                F.hardtanh(u8, 2.0, 30.0), torch.sigmoid(i), torch.tanh(u8), torch.relu(i.t()))


class NegAbs(nn.Module):
    def forward(self, x: Tensor, i: Tensor, i8: Tensor, u8: Tensor, h: Tensor):
        return (torch.neg(x), -x.t(), torch.abs(x), x.abs().t(), -i, torch.abs(i),
                -i8, torch.abs(i8), -u8, torch.abs(u8), -h, torch.abs(h))


class Clamp(nn.Module):
    def forward(self, x: Tensor, i: Tensor, lo: Tensor, hi: Tensor):
        return (torch.clamp(x, -0.5, 0.5), torch.clamp(x.t(), min=0.0), torch.clamp(x, max=0.25),
                x.clamp(0.5, -0.5),  # min > max: all max
                torch.clamp(i, -3, 3), torch.clamp(i, min=0), torch.clamp(i, max=2.5),  # int -> float
                torch.clamp(i, -1.5),
                torch.clamp(x, min=lo), torch.clamp(x, max=hi), torch.clamp(x, lo, hi),
                torch.clamp(i, min=lo), torch.clamp(x.t(), min=hi.unsqueeze(1)))


class ClampNan(nn.Module):
    def forward(self, x: Tensor, lo: Tensor):
        n = x / x  # NaN where x == 0
        return torch.clamp(n, -0.5, 0.5), torch.clamp(x, min=lo / lo), torch.relu(n), F.hardtanh(n)


class Dropout(nn.Module):
    def __init__(self):
        super().__init__()
        self.drop = nn.Dropout(0.5)

    def forward(self, x: Tensor):
        y = (x + 0)
        F.dropout(y, 0.2, training=False, inplace=True)
        return (self.drop(x), F.dropout(x, 0.7, training=False), y,
                F.dropout(x, 0.0, training=True),
                torch.feature_dropout(x, 0.5, False))


class AddSubMul(nn.Module):
    def forward(self, x: Tensor, y: Tensor, r: Tensor):
        return (x + y, torch.add(x, y, alpha=2), x.t() + r, x - y, torch.sub(x, r.unsqueeze(1), alpha=0.5),
                x * y, x.t() * r, x + 1, x - 2.5, torch.add(x, 3, alpha=2), torch.sub(x, 1.5, alpha=-1.0),
                x * 3, x * 0.1, 2.0 * x, torch.mul(x, r.unsqueeze(1)))


class IntArith(nn.Module):
    # Integer results stay integers; a float scalar or tensor promotes.
    def forward(self, i: Tensor, j: Tensor, x: Tensor):
        return (i + j, i - j, i * j, torch.add(i, j, alpha=3), torch.sub(i, j, alpha=-2),
                i + 2, i - 7, i * 3, i + 2.5, i * 0.5, i - 1.25, i + x, x * j,
                i / j, i / 4, torch.div(i, 3.0), i.t() * j.t())


class SmallInts(nn.Module):
    # Narrow integer types wrap around on overflow; mixes promote.
    def forward(self, i8: Tensor, u8: Tensor, i16: Tensor, i32: Tensor):
        return (i8 + i8, i8 * i8, i8 * 3, u8 - u8 // 2, u8 * u8, u8 + 250, i8 + u8, i16 * i32,
                i32 + 1, u8 * -1, i8 - 100, i16 + 0.5, u8 / 3, i8 // 3, u8 % 7, i32 % -5)


class BoolArith(nn.Module):
    def forward(self, a: Tensor, b: Tensor, i: Tensor, x: Tensor):
        return (a + b, a * b, a + 1, a * 2.5, a + i, a * x, torch.add(a, b, alpha=3),
                a & b, a | b, torch.logical_xor(a, b), a & 1, b | 0, a / 2)


class Division(nn.Module):
    def forward(self, x: Tensor, y: Tensor, i: Tensor, j: Tensor):
        return (x / y, torch.div(x, y, rounding_mode="trunc"), torch.div(x, y, rounding_mode="floor"),
                torch.div(x, y, rounding_mode=None), torch.div(x, 0.75, rounding_mode="floor"),
                torch.div(x.t(), -0.6, rounding_mode="trunc"), x / 3, torch.div(x, 2.5),
                torch.floor_divide(x, y), x // 0.3, x // y.t().t(),
                torch.div(i, j, rounding_mode="trunc"), torch.div(i, j, rounding_mode="floor"),
                torch.div(i, 3, rounding_mode="floor"), torch.div(i, -4, rounding_mode="trunc"),
                torch.floor_divide(i, j), i // 5, i // -3, i / j, i // 2.5)


class Remainder(nn.Module):
    def forward(self, x: Tensor, y: Tensor, i: Tensor, j: Tensor):
        return (x % y, torch.remainder(x, y), x % 0.7, x % -1.3, torch.remainder(x.t(), 2.0),
                i % j, i % 3, i % -4, torch.remainder(i, j.t().t()), 5 % j, -7 % j, 2.5 % y,
                torch.remainder(3, j), i % 2.5)


class Pow(nn.Module):
    def forward(self, x: Tensor, p: Tensor, i: Tensor, e: Tensor):
        a = x.abs() + 0.5
        return (a ** p, torch.pow(a, 2), x ** 2, x ** 3, a ** 0.5, a ** -0.5, a ** -1, a ** -2,
                a ** 1.7, x ** 0, x ** 1, torch.pow(2, x), torch.pow(2.5, p), 3 ** e,
                i ** 2, i ** 3, i ** e, torch.pow(i, 0), i ** 1.5, torch.pow(2, e), torch.pow(-1, e - 5),
                a.t() ** p.t())


class AddRelu(nn.Module):
    def forward(self, x: Tensor, y: Tensor, i: Tensor, j: Tensor):
        a = torch.ops.aten._add_relu(x, y)
        b = torch.ops.aten._add_relu(x, y, alpha=2)
        c = torch.ops.aten._add_relu(x, -0.5)
        d = torch.ops.aten._add_relu(i, j, alpha=-1)
        z = (x + 0)
        torch.ops.aten._add_relu_(z, y)
        w = (i + 0)
        torch.ops.aten._add_relu_(w[1], 3)
        return a, b, c, d, z, w


class MaxMinOther(nn.Module):
    def forward(self, x: Tensor, y: Tensor, r: Tensor, i: Tensor):
        return (torch.max(x, y), torch.min(x, y), torch.max(x.t(), r), torch.min(x, r.unsqueeze(1)),
                torch.max(i, x.to(torch.int64)), torch.min(i, x), torch.max(x / x, y))


class Compare(nn.Module):
    def forward(self, x: Tensor, y: Tensor, i: Tensor, r: Tensor):
        return (x == y, x != y, x < y, x > y, x <= y, x >= y,
                x == 0.0, x != 0, x < 0.5, x > -0.5, x <= 1, x >= 0,
                i == 2, i != 3, i < 2.5, i > -1.5, i <= 0, i >= 1,
                i == x.to(torch.int64), i < x, x.t() > r, torch.eq(i, r.to(torch.int64).unsqueeze(1)),
                torch.ne(x, y.t().t()), torch.lt(i, 1), torch.gt(x, r.unsqueeze(1)),
                torch.le(x, y), torch.ge(i, i.t().t()))


class Bitwise(nn.Module):
    def forward(self, x: Tensor, i: Tensor, j: Tensor, u8: Tensor):
        m = x > 0
        n = x < 0.5
        return (m & n, m | n, (x > 0) & (x < 1), torch.logical_xor(m, n), torch.logical_xor(x, i),
                i & j, i | j, i & 6, i | 1, u8 & 15, u8 | 128, m & 1, n | 2,
                torch.logical_xor(i, 0.0 * x), m.t() & n.t())


class InPlaceViews(nn.Module):
    # In-place arithmetic on views of a copy: y[0].add_(1) style.
    def forward(self, x: Tensor, y: Tensor, i: Tensor):
        a = (x + 0)
        a[0].add_(1)
        a.select(1, 2).mul_(2)
        a[1:3].sub_(y[0])
        a.t()[0].div_(4)
        a[3].add_(y[1], alpha=-2)
        b = (x + 0)
        b.mul_(y)
        b.add_(2.5)
        b.sub_(1)
        b.div_(y)
        b.mul_(i)  # float tensor times int tensor stays float
        b.add_(i, alpha=2)
        c = (i + 0)
        c[1].add_(3)
        c.mul_(2)
        c.sub_(i, alpha=2)
        c.t().add_(1)
        d = (x + 0)
        d.add_(d.t().t())  # aliasing self
        e = (x + 0).t()
        e.add_(1.0).mul_(3.0)
        return a, b, c, d, e


class ZeroDim(nn.Module):
    # 0-d tensors only decide the dtype when of a higher category.
    def forward(self, x: Tensor, s: Tensor, sd: Tensor, i: Tensor, si: Tensor):
        return (x + s, s * x, s + s, x * sd, i + s, i + sd, i * si, x + si, s > x, i < sd,
                torch.max(x, s), s ** 2, torch.pow(sd, i), torch.div(i, si, rounding_mode="floor"),
                i % si, -s, torch.relu(s), torch.clamp(s, 0.1, 0.2))


class HalfOps(nn.Module):
    # float16 arithmetic rounds every result (and each Python scalar) to half.
    def forward(self, h: Tensor, g: Tensor, x: Tensor):
        return (h + g, h - g, h * g, h / g, h * 0.1, h + 0.3, h / 3.0, torch.add(h, g, alpha=0.1),
                h + x, h == g, h < 0.5, torch.max(h, g), -h, h.abs(), h // g, h % g, h * 2)


class Float64Mix(nn.Module):
    def forward(self, x: Tensor, d: Tensor, i: Tensor):
        return (x + d, d * 2.5, d / i, d ** 2, d // 0.3, d % 0.7, i + d, d > x, torch.clamp(d, -0.1, 0.1),
                torch.max(x, d))


class IsFloatingPoint(nn.Module):
    def forward(self, x: Tensor, i: Tensor):
        a = x * 2 if x.is_floating_point() else x + 1
        b = i * 2 if i.is_floating_point() else i + 1
        return a, b, torch.tensor(torch.is_floating_point(x))


class Broadcast(nn.Module):
    def forward(self, a: Tensor, b: Tensor, c: Tensor):
        # a: (4, 1, 3), b: (5, 1), c: (3,)
        return (a + b, a * c, b - c, a / (b + 10.0), torch.max(a, b), a < b, (a + b + c).sum(),
                a[:, :, ::2] + c[::2], torch.add(a, b, alpha=2), torch.clamp(a, min=b, max=c + 1.0))


class EmptyTensors(nn.Module):
    def forward(self, x: Tensor, e: Tensor):
        return e + 1, e * x, torch.relu(e), e > 0, torch.clamp(e, 0, 1), e + e.t().t()


class TracedChain(nn.Module):
    def forward(self, x: Tensor, y: Tensor) -> Tuple[Tensor, Tensor]:
        z = torch.add(x, y, alpha=2) * 0.5 - y / 3
        return F.hardswish(z).clamp(-1.0, 1.0), (z > 0) & (y < 0.5)


def f32(*shape):
    return torch.randn(shape)


CASES = [
    Case("activations", Activations(), (f32(4, 5) * 3,)),
    Case("activations_f64", ActivationsF64(), (f32(3, 4).double() * 4,)),
    Case("activation_modules", ActivationModules(), (f32(2, 3, 4) * 3,)),
    Case("activations_inplace", ActivationsInPlace(), (f32(5, 4) * 4,)),
    Case("elu", Elu(), (f32(2, 3, 4, 5) * 3,)),
    Case("activations_int", ActivationsInt(), (ints(3, 4), ints(5, dtype=torch.int8), ints(6, lo=0, hi=40, dtype=torch.uint8))),
    Case("neg_abs", NegAbs(), (f32(3, 4), ints(3, 4), torch.tensor([-128, -5, 0, 7, 127], dtype=torch.int8),
                               torch.tensor([0, 1, 200, 255], dtype=torch.uint8), f32(6).half())),
    Case("clamp", Clamp(), (f32(3, 4), ints(3, 4, lo=-6, hi=6), f32(4) * 0.5, f32(3, 1) * 0.5 + 1.0)),
    Case("clamp_nan", ClampNan(), (torch.tensor([[0.0, 1.0, -2.0], [3.0, 0.0, -0.25]]), torch.tensor([1.0, 0.0, -2.0]))),
    Case("dropout_eval", Dropout(), (f32(3, 4, 5),)),
    Case("add_sub_mul", AddSubMul(), (f32(3, 4), f32(3, 4), f32(3))),
    Case("int_arith", IntArith(), (ints(3, 4), nonzero_ints(3, 4), f32(3, 4))),
    Case("small_ints", SmallInts(), (torch.tensor([100, -100, 7, -128, 127], dtype=torch.int8),
                                     torch.tensor([0, 1, 200, 255, 17], dtype=torch.uint8),
                                     torch.tensor([30000, -30000, 5, 0, -7], dtype=torch.int16),
                                     torch.tensor([2**30, -2**31, 3, 8, -9], dtype=torch.int32))),
    Case("bool_arith", BoolArith(), (torch.rand(3, 4) > 0.5, torch.rand(3, 4) > 0.5, ints(3, 4), f32(4))),
    Case("division", Division(), (f32(3, 4) * 5, f32(3, 4) + 0.1 * torch.sign(f32(3, 4)), ints(3, 4), nonzero_ints(3, 4))),
    Case("remainder", Remainder(), (f32(3, 4) * 5, f32(3, 4) + 0.1 * torch.sign(f32(3, 4)), ints(3, 4), nonzero_ints(3, 4))),
    Case("pow", Pow(), (f32(3, 4), f32(3, 4), ints(3, 4, lo=-6, hi=6), torch.randint(0, 6, (3, 4)))),
    Case("add_relu", AddRelu(), (f32(3, 4), f32(4), ints(3, 4), ints(3, 4))),
    Case("max_min_other", MaxMinOther(), (f32(3, 4), f32(3, 4), f32(3), ints(3, 4, lo=-2, hi=2))),
    Case("compare", Compare(), (torch.round(f32(3, 4) * 2) / 2, torch.round(f32(3, 4) * 2) / 2,
                                ints(3, 4, lo=-3, hi=4), torch.round(f32(3) * 2) / 2)),
    Case("bitwise", Bitwise(), (f32(3, 4), ints(3, 4), ints(3, 4), torch.randint(0, 256, (3, 4)).to(torch.uint8))),
    Case("inplace_views", InPlaceViews(), (f32(4, 4), f32(4, 4) + 3.0, ints(4, 4, lo=1, hi=5))),
    Case("zero_dim", ZeroDim(), (f32(3), torch.tensor(1.5), torch.tensor(0.25, dtype=torch.float64),
                                 ints(3), torch.tensor(3))),
    Case("half_ops", HalfOps(), (f32(3, 4).half() * 4, (f32(3, 4).abs() + 0.5).half(), f32(4))),
    Case("float64_mix", Float64Mix(), (f32(3, 4), f32(3, 4).double() * 3, nonzero_ints(3, 4))),
    Case("is_floating_point", IsFloatingPoint(), (f32(3), ints(3))),
    Case("broadcast", Broadcast(), (f32(4, 1, 3), f32(5, 1), f32(3))),
    Case("empty", EmptyTensors(), (f32(3), torch.zeros(0, 3))),
    Case("traced_chain", TracedChain(), (f32(3, 4), f32(4)), trace=True),
]
