# Op-zoo family "shape": views (sharing storage with their base, including
# in-place writes through them), reshapes, cat/index_select/pad/copy_, to()
# and the tensor metadata and tensor-to-scalar conversions. aten.view.dtype is
# not here: TorchScript 1.13 cannot express it (script binds view(int[]), and
# a trace saves it as view(x, <dtype code>)); RefShapeTest covers it.
from typing import List, Optional

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import Tensor
from make_op_fixtures import Case


class ViewInPlace(nn.Module):
    # In-place ops on views write through to the base.
    def forward(self, x: Tensor) -> Tensor:
        y = x * 1
        y.view(-1)[0:3].mul_(2)
        y[1].add_(10)
        y.t()[-1].mul_(0)
        y.select(0, 0).unsqueeze(0)[:, 1:].copy_(torch.ones(1, 1))
        return y


class ViewReshape(nn.Module):
    def forward(self, x: Tensor):
        a = x.view(3, -1)
        b = x.t().reshape(-1)           # not viewable: copies
        c = x.reshape(2, 1, -1, 2)      # viewable
        d = x.view(-1).view([4, 3])
        e = x.t().view(3, 2, 2)         # splitting a transposed dim is a view
        return a * 2, b + 1, c, d, e


class Flatten(nn.Module):
    def forward(self, x: Tensor):
        return (torch.flatten(x), torch.flatten(x, 1), x.flatten(0, -2),
                x.transpose(0, 2).flatten(1), x.flatten(-1, -1))


class TransposeSqueeze(nn.Module):
    def forward(self, x: Tensor, v: Tensor):
        a = x.transpose(0, -1)
        b = x[0].t()
        c = v.t()                       # 1-d: itself
        d = x.unsqueeze(1).unsqueeze(-1)
        e = d.squeeze()
        f = d.squeeze(1)
        g = d.squeeze(0)                # size 2: unchanged
        return a, b, c, d.sum(1), e, f, g


class SelectSlice(nn.Module):
    def forward(self, x: Tensor):
        a = x[1]
        b = x[:, -1]
        c = x[..., 1:]
        d = x[-3:100:2]
        e = x[:, 2:1]                   # empty
        f = x[-100:2, ::3]
        return a, b, c, d, e, f, x[1:, -2:].select(-1, 0)


class Chunk(nn.Module):
    def forward(self, x: Tensor):
        parts = torch.chunk(x, 4, dim=-1)   # 10 -> 3, 3, 3, 1
        more = x.chunk(3)                   # 4 rows -> 2, 2
        out: List[Tensor] = []
        for p in parts:
            out.append(p * 2)
        return out, more[0], more[-1]


class ChunkInPlace(nn.Module):
    def forward(self, x: Tensor) -> Tensor:
        y = x * 1
        a, b = y.chunk(2, 1)
        b.mul_(0).add_(-1.0)
        return y


class CatMixed(nn.Module):
    def forward(self, a: Tensor, b: Tensor, c: Tensor):
        x = torch.cat([a, b], dim=0)                 # int64 + float32
        y = torch.cat([a, c, torch.zeros(0)], -1)    # legacy empty skipped
        z = torch.cat([b.t(), b.t()], 1)
        w = torch.cat([c.to(torch.int32), a.to(torch.uint8)], 1)
        v = torch.cat([a > 0, a.to(torch.uint8), a.to(torch.int8)], -2)   # int16
        return x, y, z, w, torch.cat([a.to(torch.bool), a > 0]), v


class IndexSelect(nn.Module):
    def forward(self, x: Tensor, idx: Tensor):
        return (torch.index_select(x, 0, idx), x.index_select(-1, idx),
                x.t().index_select(1, idx.to(torch.int32)),
                x.index_select(1, idx[0]))


class PadModes(nn.Module):
    def forward(self, x: Tensor, y: Tensor, z: Tensor):
        return (F.pad(x, (1, 2)),
                F.pad(x, [2, 1, 1, 0], "constant", 0.5),
                F.pad(x, (-1, 1, 0, -1)),
                F.pad(x, (2, 3), mode="reflect"),
                F.pad(x.unsqueeze(0), (2, 0, 1, 1), mode="reflect"),
                F.pad(x, (1, 2), mode="replicate"),
                F.pad(x[None], (3, 0, 0, 2), mode="replicate"),
                F.pad(y, (1, 2, 1, 1), mode="circular"),
                F.pad(y, (-1, 1, 2, -1), mode="circular"),
                F.pad(z, (1, 1, 1, 0, 0, 1), mode="replicate"),
                F.pad(z, (1, 1, 1, 0, 1, 1), mode="reflect"),
                F.pad(z, (1, 1, 1, 0, 0, 1), mode="circular"),
                F.pad(x.t(), (1, -1), mode="reflect"),
                F.pad(x.to(torch.int64), (1, 1), value=2.7),
                F.pad(x[None].double(), (-1, 2), mode="replicate"),
                F.pad(x[None], (2, -1, -1, 1), mode="reflect"),
                F.pad(x.to(torch.bool), (0, 1, 1, 0), value=1.0))


class CopyInPlace(nn.Module):
    def forward(self, x: Tensor, i: Tensor):
        y = torch.zeros(3, 4)
        y[1:].copy_(x[0])               # broadcast into a view
        z = torch.zeros(2, 3, dtype=torch.int64)
        z.copy_(x[:, :3] * 3.7)         # float -> int64 truncation
        w = x * 1
        w.t()[:, 1].copy_(i)             # int64 -> float through a transposed view
        return y, z, w


class CopyScalar(nn.Module):
    def forward(self, x: Tensor):
        y = x * 1
        torch.ops.aten.copy_(y[0], 3)
        torch.ops.aten.copy_(y[1], -2.5)
        z = torch.zeros(2, dtype=torch.int32)
        torch.ops.aten.copy_(z, 7.9)
        return y, z


class ToVariants(nn.Module):
    def forward(self, x: Tensor, i: Tensor):
        a = x.to(torch.float64)
        b = x.to(i)                      # to.other
        c = x.to(dtype=torch.int32)
        d = x.to("cpu")
        e = x.to(torch.device("cpu"), torch.float16)
        f = i.float() + x.double()
        g = x.to(torch.float32, copy=True)
        g.add_(1)                        # a copy: x unchanged
        x = x * 1                        # never write into an input
        h = x.to(torch.float32)
        h.mul_(2)                        # no copy: writes into x
        k = x.t().to(torch.int64)
        m = x.to(device=torch.device("cpu"), dtype=torch.bfloat16).float()
        return a, b, c, d, e, f, g, x, k, m, i.long(), i.to(torch.bool), i.half()


class ToInPlaceAlias(nn.Module):
    def forward(self, x: Tensor):
        y = x * 1
        z = y.to(torch.float32)          # same tensor
        z.t()[0].mul_(0).add_(5.0)
        w = y.contiguous()               # same tensor
        w[1].mul_(-1)
        return y


class ToTraced(nn.Module):
    def forward(self, x: Tensor, i: Tensor):
        return x.to(i.dtype) + 1, x.to(x.device).double(), x.to(i)


class SizeArith(nn.Module):
    def forward(self, x: Tensor):
        n = x.size(0) * x.dim() + len(x) - x.size(-1)
        s = x.size()
        shape = x.shape
        y = x.view(s[0], -1) * n
        z = torch.zeros(shape[1], shape[0]) + shape[-1]
        return y, z, torch.tensor(s), torch.tensor([x.dim(), len(x)])


class SizeTraced(nn.Module):
    def forward(self, x: Tensor):
        b = x.size(0)
        return x.view(b, -1) * x.shape[1], x.reshape(x.size(0) * x.size(1), -1)


class ItemConversions(nn.Module):
    def forward(self, x: Tensor, i: Tensor, b: Tensor):
        s = x.sum().item()
        t = i[0].item()
        k = int(i[1]) * 2
        f = float(x[0, 0]) + 0.5
        g = int(x[0, 1] * 3.7)
        flag = bool(b[0])
        flag2 = bool(x.sum() > 0)
        out = x * s + t
        if flag:
            out = out + k
        if flag2:
            out = out - f
        return out, torch.tensor([k, g]), torch.tensor(f)


class ItemFull(nn.Module):
    # item() of an int tensor is an int: full() then infers int64.
    # (aten.ScalarImplicit is not here: irc's importer does not yet accept
    # the `annotate(number, tensor)` TorchScript serializes it as.)
    def forward(self, x: Tensor, i: Tensor):
        return torch.full([2], i[2].item()), torch.full([3], x[0, 0].item())


class ToOptional(nn.Module):
    def forward(self, x: Tensor, i: Tensor):
        d: Optional[int] = None
        if x.sum() > 100.0:
            d = 4
        x = x * 1
        a = x.to(d)                       # to.prim_dtype, None: x itself
        a.mul_(2)
        b = x.to(None, d)                 # to.prim_Device, None: x itself
        b2 = x.to(None, 7, copy=True)
        c = i.to(None, 6)
        e = x.to(copy=True)               # to.dtype_layout
        e.add_(1)
        dev = torch.device("cpu" if x.dim() == 2 else "cpu:0")
        return x, b, b2, c, e, x.to(dev, torch.float64)


class NumToTensor(nn.Module):
    # Traced: x.size(0) becomes prim::NumToTensor(aten::size(x, 0)).
    def forward(self, x: Tensor):
        n = x.size(0)
        m = x.size(1)
        return x.view(n * m) + n, torch.ones(n, m) * m


class Metadata(nn.Module):
    def forward(self, x: Tensor, i: Tensor):
        a = torch.zeros(2, 3, dtype=x.dtype, device=x.device)
        b = torch.ones(3, dtype=i.dtype, layout=x.layout)
        c = x.to(i.dtype)
        extra = 0
        if x.is_cuda:
            extra += 100
        if x.requires_grad:
            extra += 10
        if x.dtype == torch.float32:
            extra += 1
        d = torch.device("cpu")
        return a + extra, b, c, x.to(d)


class DetachContiguous(nn.Module):
    def forward(self, x: Tensor, y: Tensor):
        x = x * 1
        a = x.detach()
        a.mul_(2)                       # detach shares storage
        b = x.t().contiguous()
        c = y.contiguous(memory_format=torch.channels_last)
        d = c.contiguous()
        return x, a, b, c + 1, d


CASES = [
    Case("view_inplace", ViewInPlace(), (torch.randn(3, 4),)),
    Case("view_reshape", ViewReshape(), (torch.randn(4, 3),)),
    Case("flatten", Flatten(), (torch.randn(2, 3, 4),)),
    Case("transpose_squeeze", TransposeSqueeze(), (torch.randn(2, 3, 4), torch.randn(5))),
    Case("select_slice", SelectSlice(), (torch.randn(5, 6),)),
    Case("chunk", Chunk(), (torch.randn(4, 10),)),
    Case("chunk_inplace", ChunkInPlace(), (torch.randn(3, 5),)),
    Case("cat_mixed", CatMixed(), (torch.randint(-5, 5, (2, 3)), torch.randn(3, 3),
                                   torch.randint(0, 5, (2, 2)))),
    Case("index_select", IndexSelect(), (torch.randn(4, 5), torch.tensor([3, 0, 0, 2]))),
    Case("pad_modes", PadModes(), (torch.randn(3, 4), torch.randn(1, 2, 3, 4),
                                   torch.randn(1, 2, 3, 4, 3))),
    Case("copy_inplace", CopyInPlace(), (torch.randn(2, 4), torch.tensor([4, -3, 2, 1]))),
    Case("copy_scalar", CopyScalar(), (torch.randn(3, 2),)),
    Case("to_variants", ToVariants(), (torch.randn(2, 3) * 3, torch.tensor([[1, 0, -2], [3, 4, 5]]))),
    Case("to_inplace_alias", ToInPlaceAlias(), (torch.randn(3, 3),)),
    Case("to_traced", ToTraced(), (torch.randn(2, 3) * 3, torch.tensor([1, 2, 3])), trace=True),
    Case("size_arith", SizeArith(), (torch.randn(3, 4),)),
    Case("size_traced", SizeTraced(), (torch.randn(3, 4, 2),), trace=True),
    Case("item_conversions", ItemConversions(), (torch.randn(2, 3), torch.tensor([2, 5]),
                                                 torch.tensor([True, False]))),
    Case("item_full", ItemFull(), (torch.randn(2, 3), torch.tensor([3, -1, 4]))),
    Case("to_optional", ToOptional(), (torch.randn(2, 3), torch.tensor([3, -1, 4]))),
    Case("num_to_tensor", NumToTensor(), (torch.randn(3, 4),), trace=True),
    Case("metadata", Metadata(), (torch.randn(2, 3), torch.tensor([1, 2, 3]))),
    Case("detach_contiguous", DetachContiguous(), (torch.randn(2, 3), torch.randn(2, 3, 4, 5))),
]
