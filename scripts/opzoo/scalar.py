# Op zoo, scalar family: TorchScript's int, float, bool and str ops
# (backends/reference/Scalar.cpp). Every model derives its scalars from the
# input tensor at run time (int(x[0]), x.size(0)), so nothing folds away, and
# returns tensors built from the results. Strings are returned as their byte
# codes (torch.tensor of ord() of each byte), which checks str(), format()
# and slicing exactly.
import warnings
from typing import Any, List, Optional, Tuple

import torch
import torch.nn as nn
from torch import Tensor
from make_op_fixtures import Case


@torch.jit.script
def codes(s: str) -> List[int]:
    out: List[int] = []
    for c in s:
        out.append(ord(c))
    return out


class IntArith(nn.Module):
    """+ - * / // % ** neg abs min max & | on ints, negative operands and
    int64 wraparound."""

    def forward(self, x: Tensor) -> Tensor:
        a = int(x[0])  # -7
        b = int(x[1])  # 2
        c = x.size(0)  # 6
        big = 9223372036854775807 + c  # wraps
        r = [a + b, a - b, a * b, a // b, a % b, -a // b, (-a) % (-b),
             b // a, b % a, a // -b, a % -b, -a, abs(a), min(a, b), max(a, b),
             min(a, c), max(b, c), a & c, a | b, big, big * 3 - a,
             int(a / b), int(float(a) ** 2), c * -a]
        return torch.tensor(r)


class FloatArith(nn.Module):
    """Float arithmetic, Python's float // and % with negative operands,
    mixed int/float overloads, and int() truncation toward zero."""

    def forward(self, x: Tensor) -> Tensor:
        f = float(x[0])  # -7.0
        g = float(x[1])  # 2.0
        h = float(x[2])  # 2.5
        a = int(x[0])
        b = int(x[1])
        r = [f + h, f - h, f * h, f / h, f // g, f % g, (-f) // (-g),
             (-f) % (-g), h // g, h % -g, f // h, f % h, -f, abs(f), f ** 2.0,
             h ** g, g ** a, a ** g, a ** b, b ** a, a / b, a + h, h + a,
             a - h, h - a, a * h, h * a, a // h, h // a, a % h, h % a,
             min(f, h), max(f, h), min(a, h), max(h, a), min(h, a), max(a, h),
             float(int(h)), float(int(-h)), float(a), float(True),
             float(bool(f)), float(bool(0.0)), float(int(x[3]))]
        return torch.tensor(r, dtype=torch.float64)


class Compare(nn.Module):
    """== != < <= > >= on ints, floats, mixed pairs, bools and strings; and,
    or, not."""

    def forward(self, x: Tensor) -> Tensor:
        a = int(x[0])  # -7
        b = int(x[1])  # 2
        f = float(x[0])
        h = float(x[2])  # 2.5
        p = a < b
        q = f > h
        s = str(b)
        t = "1" + s
        r = [a == b, a != b, a < b, a <= a, a > b, a >= b,
             f == h, f != h, f < h, f <= h, f > h, f >= h,
             a == f, f == a, a != h, h != a, a < h, h < a, a <= h, h <= a,
             a > h, h > a, a >= f, f >= a,
             p == q, p != q, s == "2", s != "2", s < t, s <= t, s > t,
             s >= t, t < "12a", p and q, p or q, not p, bool(b), bool(a - a),
             bool(h), bool(h - h)]
        return torch.tensor(r)


class Strings(nn.Module):
    """str(), format() of ints, floats, bools, lists and None, len, indexing,
    slicing, +, int()/float() of strings, list(str)."""

    def forward(self, x: Tensor) -> Tensor:
        n = x.size(0)
        f = float(x[2])  # 2.5
        g = float(x[4]) / 10.0  # 0.1-ish
        s = "n={} f={} g={} b={} l={} t={} none={} big={} {}".format(
            n, f, g, n > 2, [n, n + 1], (n, "a"), None, f * 1e20, 1.0 / 3.0)
        s = s + "|" + str(n * 1.0) + "," + str(-f) + "," + str([f, 1.0])
        u = s[2:9] + s[::-3] + s[-4:] + s[n:] + s[:-n:2]
        v = str(n) + str(f) + str(True) + str(1e-5)
        w = list(v)
        k = int("-" + str(n)) + int(str(n) + "1")
        z = float(str(f)) + float("1e3") + float(v[0:1])
        out = codes(s) + codes(u) + codes(v) + [len(s), len(u), len(w), k,
                                                int(z), ord(s[n]), ord(s[-1])]
        return torch.tensor(out)


class Unicode(nn.Module):
    """Strings are UTF-8 bytes: len, indexing and ord see bytes."""

    def forward(self, x: Tensor) -> Tensor:
        s = "é✓ {}".format(x.size(0))
        t = s[1:4]
        return torch.tensor(codes(s) + codes(t) + [len(s), ord(s[-3])])


class Ranges(nn.Module):
    """range() with computed bounds and steps (__range_length,
    __derive_index), including negative steps and empty ranges."""

    def forward(self, x: Tensor) -> Tensor:
        a = int(x[0])  # -7
        n = x.size(0)  # 6
        acc: List[int] = []
        for i in range(a, n, 3):
            acc.append(i)
        for i in range(n, a, -4):
            acc.append(i * 10)
        for i in range(n, a):
            acc.append(-1000)
        for i in range(n):
            acc.append(i * i)
        return torch.tensor(acc)


class Optionals(nn.Module):
    """`is None`/`is not None` on a run-time Optional, refinement casts,
    raise in branches that are not taken, warnings.warn and print."""

    def pick(self, t: Optional[Tensor], k: int) -> Tensor:
        if t is None:
            return torch.zeros(1)
        if k < 0:
            raise ValueError("k must be non-negative, got {}".format(k))
        return t * float(k)

    def forward(self, x: Tensor) -> Tensor:
        n = x.size(0)
        if x.dim() != 1:
            raise ValueError("expected 1D input (got {}D input)".format(x.dim()))
        assert n > 1, "need two elements"
        if n > 100:
            warnings.warn("large input")
        y = self.pick(x if n > 3 else None, n)
        z = self.pick(None if n > 3 else x, n)
        t: Optional[Tensor] = None
        if n > 2:
            t = x
        flag = 1.0 if t is not None else 0.0
        if int(x[1]) == 12345:
            print("n =", n, [n], x.size())
        return torch.cat([y, z]) + flag


class Refine(nn.Module):
    """& and | on bools, int(bool), isinstance on an Any, an assert that
    refines an Optional (prim.uninitialized on the raising branch)."""

    def h(self, t: Optional[Tensor], v: Any, w: Any) -> float:
        r = 0.0
        if isinstance(v, Tensor):
            r += 2.0
        if isinstance(w, Tensor):
            r += 4.0
        assert t is not None
        return r + float(t.sum())

    def forward(self, x: Tensor) -> Tensor:
        n = x.size(0)
        p = n > 3
        q = n < 3
        a = int(p & q) + int(p | q) * 2 + int(p)
        b = self.h(x, x, n)
        return torch.tensor([float(a), b, float(p != q)])


class AbsTensor(nn.Module):
    """Python's abs() of tensors (prim.abs): float, int, non-contiguous."""

    def forward(self, x: Tensor, i: Tensor) -> Tuple[Tensor, Tensor]:
        return abs(x.t()), abs(i) + abs(-x.sum()).to(torch.int64)


class Devices(nn.Module):
    """torch.device() from a string and device comparisons."""

    def forward(self, x: Tensor) -> Tensor:
        d = torch.device("cpu")
        e = x.device
        same = e == d
        other = e != torch.device("cpu:0")
        return x * float(same) + float(other)


class TensorPrint(nn.Module):
    """str() and format() of tensors: ATen's C++ printer (fixed, scientific,
    scaled and integer layouts, column groups, 3-d and 4-d blocks)."""

    def forward(self, x: Tensor) -> Tensor:
        n = x.size(0)
        i = torch.linspace(0, n - 1, n).to(torch.int64)
        parts = [str(x), str(x[0]), str(i), str(i[1]), str(x > 0),
                 str(x.reshape(2, 3)), str(x.reshape(1, 2, 3) / 7.0),
                 str(x.reshape(3, 1, 2, 1)), str(x * 1e6), str(x * 1e-3),
                 str((x * 1e-4).reshape(2, 3)), str((x * 1e-4).reshape(3, 1, 2)),
                 str(x * 1e12), str(i * 123456789012), str(i * 1234567),
                 str(torch.linspace(0, 29, 30).reshape(2, 15) * x[2]),
                 str(torch.linspace(0, 39, 40).to(torch.int64).reshape(2, 20) - 19),
                 str(x[:0]), str(x.reshape(2, 3)[:, :0]), str(x.double()),
                 str(x.int()), str(-i), str(x.to(torch.float16)),
                 str(torch.tensor([float("nan"), 1.0, float("inf")]) * x[4]),
                 "{} and {}".format(x[:2], [x[0], x[1]])]
        out: List[int] = []
        for p in parts:
            out += codes(p)
            out.append(0)
        return torch.tensor(out)


class DeviceStr(nn.Module):
    """torch.device(s) of a run-time string."""

    def forward(self, x: Tensor) -> Tensor:
        name = "cpu" if x.size(0) > 2 else "cpu:1"
        d = torch.device(name)
        return x * float(d == x.device) + float(d != torch.device("cpu:0"))


x0 = torch.tensor([-7.0, 2.0, 2.5, 3.9, 1.0, 0.5])

CASES = [
    Case("int_arith", IntArith(), (x0,)),
    Case("float_arith", FloatArith(), (x0,)),
    Case("compare", Compare(), (x0,)),
    Case("strings", Strings(), (x0,)),
    Case("unicode", Unicode(), (x0,)),
    Case("ranges", Ranges(), (x0,)),
    Case("optionals", Optionals(), (x0,)),
    Case("devices", Devices(), (x0,)),
    Case("refine", Refine(), (x0,)),
    Case("abs_tensor", AbsTensor(), (x0.reshape(2, 3),
                                      torch.tensor([-3, 0, 9, -9223372036854775807]))),
    Case("device_str", DeviceStr(), (x0,)),
    Case("tensor_print", TensorPrint(), (x0,)),
]
