# Op zoo, container family: TorchScript's lists, tuples, dicts and objects
# (backends/reference/Container.cpp). The containers hold scalars derived
# from the input at run time, and every result reaches an output tensor.
from typing import Dict, List, Tuple

import torch
import torch.nn as nn
from torch import Tensor
from make_op_fixtures import Case


class ListOps(nn.Module):
    """Construction, append (mutating a shared list), negative indexing,
    slicing with steps, len, +, * (both sides), +=, *=, list() copies."""

    def forward(self, x: Tensor) -> Tensor:
        a = int(x[0])  # -7
        n = x.size(0)  # 6
        l = [a, n, a * n]
        alias = l
        alias.append(n + 1)  # seen through l too
        copy = list(l)
        copy.append(100)  # not seen through l
        s1 = l[1:3]
        s2 = l[::-1]
        s3 = l[-3:]
        s4 = l[::2]
        s5 = l[n:]
        s6 = l[-100:100:3]
        s7 = l[3:0:-2]
        cat = l + s1
        rep = s1 * 2
        rep2 = 3 * [a]
        rep0 = s1 * 0
        grow = [n]
        grow += l
        grow *= 2
        shrink = [n, n]
        shrink *= 0
        out = (l + copy + s1 + s2 + s3 + s4 + s5 + s6 + s7 + cat + rep + rep2
               + rep0 + grow + shrink)
        out += [l[-1], l[0], alias[-4], len(l), len(copy), len(grow),
                len(shrink), len(rep0)]
        return torch.tensor(out)


class ListQueries(nn.Module):
    """in, ==, !=, sum, min and max of int, float, bool and str lists, and
    min/max of two lists (lexicographic)."""

    def forward(self, x: Tensor) -> Tensor:
        a = int(x[0])  # -7
        n = x.size(0)  # 6
        f = float(x[2])  # 2.5
        ints = [n, a, n * 2, a]
        floats = [f, -f, f * 3.0]
        bools = [n > 2, a > 0, n > 3]
        strs = [str(n), "x", str(a)]
        r = [int(a in ints), int(100 in ints), int(f in floats),
             int(0.5 in floats), int("x" in strs), int(str(n + 1) in strs),
             int(ints == [n, a, n * 2, a]), int(ints == [n, a]),
             int(ints != [n]), int(floats == [f, -f, f * 3.0]),
             int(floats != [f]), int(bools == [True, False, True]),
             int(bools != [True]), int(strs == ["6", "x", "-7"]),
             int(strs != ["6"]), sum(ints), int(sum(floats)), sum(bools),
             min(ints), max(ints), int(min(floats)), int(max(floats)),
             int(min(bools)), int(max(bools))]
        r += min(ints, [n, a, n]) + max(ints, [n, a, n]) + min([a], [a, n])
        r += max([a], [a, n]) + min([n, a], [n, a]) + max([n, a + 1], [n, a])
        fl = min(floats, [f, -f]) + max(floats, [f, f])
        bl = min(bools, [True, True]) + max(bools, [True, False, True, True])
        return torch.cat([torch.tensor(r).double(), torch.tensor(fl).double(),
                          torch.tensor(bl).double()])


class Tensors(nn.Module):
    """Lists of tensors: indexing, slicing, ==/!= (one-element tensors),
    len, and unpacking a list (x.size()) and tuples."""

    def forward(self, x: Tensor) -> Tensor:
        rows, cols = x.size()
        parts = [x[0, 0], x[1, 1], x[0, 0]]
        same = parts == [x[0, 0], x[1, 1], x[0, 0]]
        diff = parts != [x[0, 0], x[0, 0], x[0, 0]]
        ident = parts == parts
        t = (rows, float(x[0, 1]), x)
        r, v, y = t
        first = parts[-1] + parts[1:][0]
        return torch.tensor([float(first), float(same), float(diff),
                             float(ident), float(r * cols) + v,
                             float(y.sum())])


class Dicts(nn.Module):
    """Dict literals (later keys replace earlier ones), d[k] = v, get with
    and without a default, in, len, keys/values/items in insertion order,
    dict() and dict(d) copies, int and str keys."""

    def forward(self, x: Tensor) -> Tensor:
        a = int(x[0])  # -7
        n = x.size(0)  # 6
        d = {"b": n, "a": a, "b": n * 10}
        d["c"] = n + 1
        d["a"] = a * 2  # replaces in place: order stays b, a, c
        alias = d
        alias["z"] = 0
        copy = dict(d)
        copy["only_copy"] = 1
        e: Dict[str, int] = dict()
        e["k"] = d["c"]
        g = d.get("missing")
        h = d.get("a")
        out = [d["b"], d["a"], d.get("zz", 77), d.get("c", 0), len(d),
               len(copy), int("a" in d), int("q" in d), int(g is None),
               int(h is not None), e["k"], len(e)]
        for k in d.keys():
            out.append(ord(k[0]))
        for v in d.values():
            out.append(v)
        for k, v in d.items():
            out.append(ord(k) * 1000 + v)
        di = {n: "six", a: "minus seven"}
        di[0] = "zero"
        out += [len(di[n]), len(di.get(a, "")), len(di.get(1, "none")),
                int(n in di), int(5 in di), len(di)]
        out += di.keys()
        for k2, s in di.items():
            out.append(k2 * 100 + len(s))
        di2 = dict(di)
        di2[1] = "one"
        out += [len(di2), len(di)]
        for s in di.values():
            out.append(len(s))
        g2 = di.get(a)
        g3 = di.get(12345)
        out += [int(g2 is not None), int(g3 is None)]
        pairs = [("p", n), ("q", a), ("p", -n)]
        dp = dict(pairs)
        ipairs = [(n, 1.5), (a, 2.5)]
        dq = dict(ipairs)
        out += [dp["p"], dp["q"], len(dp), int(dq[a]), len(dq)]
        return torch.tensor(out)


class DictOfTensors(nn.Module):
    """A Dict[str, Tensor] built in forward and read back."""

    def forward(self, x: Tensor) -> Tensor:
        feats: Dict[str, Tensor] = {}
        feats["double"] = x * 2.0
        feats["neg"] = -x
        feats["double"] = feats["double"] + 1.0
        total = torch.zeros_like(x)
        for name, t in feats.items():
            total = total + t * float(len(name))
        vals = feats.values()
        return total + vals[0] - vals[-1]


class Tuples(nn.Module):
    """Tuples: construction, indexing with a run-time index, unpacking,
    tuples in lists, returning a tuple."""

    def swap(self, t: Tuple[int, float]) -> Tuple[float, int]:
        a, b = t
        return b, a

    def forward(self, x: Tensor) -> Tuple[Tensor, Tensor]:
        n = x.size(0)
        f = float(x[1])
        t = (n, f)
        u = self.swap(t)
        pairs = [(n, f), (n * 2, -f)]
        acc = 0.0
        for p in pairs:
            acc += p[0] * p[1]
        lst = [t[0], u[1], pairs[1][0]]
        return torch.tensor(lst), torch.tensor([u[0], acc, t[1]])


class Counter(nn.Module):
    """Module state: a counter and a list attribute mutated by forward
    (prim.get_attr / prim.set_attr), and a dict attribute read-only."""

    seen: List[int]
    table: Dict[str, float]

    def __init__(self):
        super().__init__()
        self.calls = 0
        self.seen = []
        self.table = {"scale": 3.0, "shift": -1.0}

    def forward(self, x: Tensor) -> Tensor:
        self.calls += 1
        self.seen.append(x.size(0) * self.calls)
        return (x * self.table["scale"] + self.table["shift"] +
                float(self.calls) + float(len(self.seen)))


x0 = torch.tensor([-7.0, 2.0, 2.5, 3.9, 1.0, 0.5])

CASES = [
    Case("list_ops", ListOps(), (x0,)),
    Case("list_queries", ListQueries(), (x0,)),
    Case("tensors", Tensors(), (torch.tensor([[1.5, 2.0, 3.0], [4.0, 5.0, 6.0]]),)),
    Case("dicts", Dicts(), (x0,)),
    Case("dict_of_tensors", DictOfTensors(), (x0,)),
    Case("tuples", Tuples(), (x0,)),
    Case("counter", Counter(), (x0,)),
]
