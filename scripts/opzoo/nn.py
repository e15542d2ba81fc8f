# Op zoo: neural-network layers (backends/reference/NN.cpp): convolution in
# every form TorchScript produces (conv1d/conv2d, their "valid"/"same" string
# paddings, conv_transpose2d, and the aten._convolution forms of traced
# models, conv3d), linear algebra (linear, matmul, bmm, addmm), pooling,
# batch_norm, layer_norm, embedding, channel_shuffle (Shape.cpp), and
# conv_bn_fold, the patterns the folding passes rewrite
# (test/e2e/fold-passes.test).
from typing import Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import Tensor
from make_op_fixtures import Case


def randomize_bn(bn: nn.Module) -> nn.Module:
    """Non-trivial running statistics and affine parameters."""
    with torch.no_grad():
        bn.running_mean.copy_(torch.randn_like(bn.running_mean))
        bn.running_var.copy_(torch.rand_like(bn.running_var) + 0.5)
        if bn.weight is not None:
            bn.weight.copy_(torch.randn_like(bn.weight))
            bn.bias.copy_(torch.randn_like(bn.bias))
    return bn


# --- Convolution ---------------------------------------------------------------------

class Conv2dBasic(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(3, 8, 3, padding=1)
        self.b = nn.Conv2d(8, 5, (3, 2), stride=(2, 1), padding=(1, 2),
                           dilation=(2, 1), bias=False)

    def forward(self, x: Tensor) -> Tuple[Tensor, Tensor]:
        y = self.a(x)
        return y, self.b(y)


class Conv2dGroups(nn.Module):
    def __init__(self):
        super().__init__()
        self.grouped = nn.Conv2d(6, 9, 3, stride=2, padding=1, groups=3)
        self.depthwise = nn.Conv2d(6, 6, 3, padding=1, groups=6)
        self.multiplier = nn.Conv2d(6, 12, 5, padding=2, groups=6, bias=False)
        self.strided_dw = nn.Conv2d(6, 6, 3, stride=2, padding=1, groups=6)

    def forward(self, x: Tensor) -> Tuple[Tensor, Tensor, Tensor, Tensor]:
        return (self.grouped(x), self.depthwise(x), self.multiplier(x),
                self.strided_dw(x))


class Conv2dFunctional(nn.Module):
    # Unbatched (CHW) input, a non-contiguous input, stride 3 with an input
    # that does not divide evenly, a 1x1 kernel and float64.
    def forward(self, x: Tensor, w: Tensor, b: Tensor, xd: Tensor,
                wd: Tensor) -> Tuple[Tensor, Tensor, Tensor, Tensor, Tensor]:
        unbatched = F.conv2d(x[0], w, b, padding=1)
        noncontig = F.conv2d(x.transpose(2, 3), w, None, stride=(3, 2))
        pointwise = F.conv2d(x, w[:, :, 1:2, 1:2].contiguous(), b)
        double = F.conv2d(xd, wd, None, 1, 2, 2)
        big_pad = F.conv2d(x, w, b, stride=2, padding=(3, 0), dilation=(1, 3))
        return unbatched, noncontig, pointwise, double, big_pad


class Conv2dPaddingString(nn.Module):
    # "same" with even kernels pads one more element at the end, as PyTorch.
    def forward(self, x: Tensor, w_even: Tensor, w_odd: Tensor,
                b: Tensor) -> Tuple[Tensor, Tensor, Tensor, Tensor, Tensor]:
        same_even = F.conv2d(x, w_even, b, padding="same")
        same_dil = F.conv2d(x, w_even, None, padding="same", dilation=(2, 3))
        same_odd = F.conv2d(x, w_odd, b, padding="same", dilation=2)
        valid = F.conv2d(x, w_even, b, padding="valid", stride=(1, 2))
        unbatched = F.conv2d(x[1], w_even, b, padding="same")
        return same_even, same_dil, same_odd, valid, unbatched


class Conv1dAll(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Conv1d(4, 6, 3, stride=2, padding=1, dilation=2, groups=2)
        self.b = nn.Conv1d(4, 3, 1, bias=False)

    def forward(self, x: Tensor, w_even: Tensor) -> Tuple[Tensor, Tensor, Tensor, Tensor, Tensor, Tensor]:
        unbatched = F.conv1d(x[0], self.a.weight, self.a.bias, 1, 2, 1, 2)
        same = F.conv1d(x, w_even, None, padding="same", dilation=3)
        valid = F.conv1d(x.transpose(0, 1).contiguous().transpose(0, 1), w_even,
                         padding="valid")
        same_unbatched = F.conv1d(x[1], w_even, padding="same")
        return self.a(x), self.b(x), unbatched, same, valid, same_unbatched


class ConvTranspose2dAll(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1,
                                    groups=2)
        self.b = nn.ConvTranspose2d(4, 3, (2, 3), stride=(1, 3), padding=(0, 1),
                                    dilation=(2, 1), output_padding=(1, 2), bias=False)
        self.c = nn.ConvTranspose2d(4, 4, 4, stride=2, padding=1, groups=4)

    def forward(self, x: Tensor) -> Tuple[Tensor, Tensor, Tensor, Tensor]:
        unbatched = F.conv_transpose2d(x[0], self.a.weight, self.a.bias, 2, 1, 1, 2)
        return self.a(x), self.b(x), self.c(x), unbatched


class ConvInt(nn.Module):
    # Integer convolutions are exact; dilated and transposed ones take only
    # int64.
    def forward(self, x: Tensor, w: Tensor, b: Tensor) -> Tuple[Tensor, Tensor, Tensor, Tensor, Tensor]:
        return (F.conv2d(x, w, b, padding=1, groups=2),
                F.conv2d(x.int(), w.int(), None, 2, 0, 1, 2),
                F.conv2d(x, w, None, 2, 0, (1, 2), 2),
                F.conv1d(x[:, :, 0], w[:, :, 0], b, 1, "same", 1, 2),
                F.conv_transpose2d(x, w[:4], None, 2, 1, 1, 1))


class TracedConvs(nn.Module):
    # Tracing records aten._convolution with every argument explicit.
    def __init__(self):
        super().__init__()
        self.c2 = nn.Conv2d(4, 6, 3, stride=2, padding=1, groups=2)
        self.c2d = nn.Conv2d(4, 4, 3, dilation=2, groups=4, bias=False)
        self.c1 = nn.Conv1d(4, 5, 3, stride=2, padding=2, dilation=2)
        self.t2 = nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1,
                                     output_padding=1, groups=2)
        self.t1 = nn.ConvTranspose1d(4, 2, 4, stride=3, padding=1, output_padding=2)

    def forward(self, x: Tensor, s: Tensor) -> Tuple[Tensor, Tensor, Tensor, Tensor, Tensor]:
        return self.c2(x), self.c2d(x), self.c1(s), self.t2(x), self.t1(s)


class ConvolutionExplicit(nn.Module):
    # torch._convolution called by name: 13 arguments are aten._convolution,
    # 12 are aten._convolution.deprecated. canonicalize turns those with a
    # constant `transposed` into conv2d & co.; a `transposed` computed from
    # the data (not the shapes, which irc-run specializes) keeps them.
    def forward(self, x: Tensor, w: Tensor, b: Tensor, wt: Tensor,
                s: Tensor, w1: Tensor) -> Tuple[Tensor, Tensor, Tensor, Tensor, Tensor, Tensor]:
        no = bool(x.abs().sum() < 0)
        yes = not no
        full = torch._convolution(x, w, b, [2, 1], [1, 0], [1, 2], no, [0, 0], 2,
                                  False, False, True, True)
        deprecated = torch._convolution(x, w, None, [1, 1], [1, 1], [1, 1], no, [0, 0], 2,
                                        False, False, True)
        transposed = torch._convolution(x, wt, None, [2, 2], [1, 1], [1, 1], yes,
                                        [1, 0], 2, False, False, True)
        one_d = torch._convolution(s, w1, None, [1], [2], [2], no, [0], 1,
                                   False, False, True, True)
        one_d_t = torch._convolution(s, w1.transpose(0, 1), b[:2], [3], [1], [2], yes,
                                     [2], 1, False, False, True, True)
        const = torch._convolution(x, w, b, [1, 1], [0, 0], [1, 1], False, [0, 0], 2,
                                   False, False, True, True)
        return full, deprecated, transposed, one_d, one_d_t, const


# --- Linear algebra ------------------------------------------------------------------

class LinearAll(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(5, 3)
        self.nobias = nn.Linear(5, 4, bias=False)

    def forward(self, x1: Tensor, x2: Tensor, x3: Tensor, w1: Tensor,
                xd: Tensor, wd: Tensor) -> Tuple[Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor]:
        return (self.fc(x1), self.fc(x2), self.fc(x3), self.nobias(x3),
                F.linear(x2, w1), F.linear(xd, wd, wd[:, 0]),
                F.linear(x3.transpose(0, 1), self.fc.weight, self.fc.bias))


class MatmulRanks(nn.Module):
    def forward(self, v3: Tensor, v4: Tensor, m34: Tensor, m43: Tensor,
                b234: Tensor, b2143: Tensor, b543: Tensor) -> Tuple[Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor]:
        return (torch.matmul(v3, v3),             # 1-d . 1-d: 0-d
                torch.matmul(v3, m34),            # 1-d . 2-d
                torch.matmul(m43, v3),            # 2-d . 1-d
                torch.matmul(m43, m34),           # 2-d . 2-d
                torch.matmul(b234, v4),           # 3-d . 1-d
                torch.matmul(v3, b234),           # 1-d . 3-d
                torch.matmul(b234, m43),          # 3-d . 2-d
                torch.matmul(m43, b234),          # 2-d . 3-d
                torch.matmul(b2143, b543),        # 4-d . 3-d, broadcast batch
                m34.t() @ m43.t())                # non-contiguous


class MatmulInt(nn.Module):
    def forward(self, a: Tensor, b: Tensor, d: Tensor) -> Tuple[Tensor, Tensor, Tensor]:
        return torch.matmul(a, b), torch.matmul(a.int(), b.int()), torch.matmul(d, d.t())


class BmmAddmm(nn.Module):
    def forward(self, a: Tensor, b: Tensor, bias: Tensor, m1: Tensor,
                m2: Tensor, bias2: Tensor) -> Tuple[Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor]:
        return (torch.bmm(a, b),
                torch.bmm(a, a.transpose(1, 2)),
                torch.addmm(bias, m1, m2),
                torch.addmm(bias, m1, m2, beta=0.5, alpha=2.0),
                torch.addmm(m1 @ m2, m1, m2, beta=0, alpha=-1),
                torch.addmm(bias2.t(), m2.t(), m1.t(), alpha=3),
                torch.addmm(bias.unsqueeze(1), m2.t(), m1.t()))


# --- Pooling -------------------------------------------------------------------------

class MaxPool(nn.Module):
    def forward(self, x: Tensor, xd: Tensor) -> Tuple[Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor]:
        return (F.max_pool2d(x, 3, 2, 1),
                F.max_pool2d(x, 3, 2, 1, ceil_mode=True),
                F.max_pool2d(x, (2, 3)),                     # stride = kernel
                F.max_pool2d(x, 3, 1, 1, dilation=2),
                F.max_pool2d(x[0], 2, (1, 2), ceil_mode=True),  # 3-d input
                F.max_pool2d(xd.transpose(2, 3), 2, ceil_mode=True),
                F.max_pool2d(x, (3, 2), (2, 3), (1, 1), (1, 2), True))


class AvgPool(nn.Module):
    def forward(self, x: Tensor, xi: Tensor) -> Tuple[Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor]:
        return (F.avg_pool2d(x, 3, 2, 1),
                F.avg_pool2d(x, 3, 2, 1, count_include_pad=False),
                F.avg_pool2d(x, 3, 2, 1, ceil_mode=True),
                F.avg_pool2d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False),
                F.avg_pool2d(x, (2, 3), divisor_override=4),
                F.avg_pool2d(x[0], 2),                       # 3-d input
                F.avg_pool2d(x.double().transpose(2, 3), (3, 3), (2, 1), (1, 0), True),
                F.avg_pool2d(xi, 2, ceil_mode=True, count_include_pad=False))


class AdaptiveAvgPool(nn.Module):
    def forward(self, x: Tensor) -> Tuple[Tensor, Tensor, Tensor, Tensor, Tensor]:
        return (F.adaptive_avg_pool2d(x, (3, 2)),
                F.adaptive_avg_pool2d(x, 1),
                F.adaptive_avg_pool2d(x[0], (5, 4)),
                F.adaptive_avg_pool2d(x, (9, 11)),            # larger than the input
                F.adaptive_avg_pool2d(x.double().transpose(2, 3), (4, 4)))


# --- Normalization and embedding -----------------------------------------------------

class BatchNormEval(nn.Module):
    def __init__(self):
        super().__init__()
        self.bn2d = randomize_bn(nn.BatchNorm2d(4))
        self.bn1d = randomize_bn(nn.BatchNorm1d(3, eps=1e-3))
        self.noaffine = randomize_bn(nn.BatchNorm2d(4, affine=False))
        self.bnd = randomize_bn(nn.BatchNorm2d(4)).double()

    def forward(self, x: Tensor, s: Tensor, xd: Tensor) -> Tuple[Tensor, Tensor, Tensor, Tensor, Tensor]:
        return (self.bn2d(x), self.bn1d(s), self.bn1d(s[:, :, 0]),
                self.noaffine(x.transpose(2, 3)), self.bnd(xd))


class ConvBnFold(nn.Module):
    # The patterns fold-conv-bn, fold-linear-bn, conv1d-to-conv2d,
    # remove-dropout and fuse-add-relu rewrite (test/e2e/fold-passes.test):
    # conv1d + BatchNorm1d, conv3d + BatchNorm3d, grouped conv_transpose2d +
    # BatchNorm2d without affine, linear + BatchNorm1d on (N, C), eval-mode
    # dropouts of every kind, and add + relu (in place and not).
    def __init__(self):
        super().__init__()
        self.conv1d = nn.Conv1d(4, 6, 3, stride=2, padding=1, dilation=2)
        self.bn1d = randomize_bn(nn.BatchNorm1d(6))
        self.conv3d = nn.Conv3d(2, 4, 3, padding=1, bias=False)
        self.bn3d = randomize_bn(nn.BatchNorm3d(4))
        self.convt = nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1,
                                        groups=2)
        self.bnt = randomize_bn(nn.BatchNorm2d(6, affine=False))
        self.fc = nn.Linear(5, 3)
        self.bnfc = randomize_bn(nn.BatchNorm1d(3, eps=1e-3))
        self.drop = nn.Dropout(0.3)
        self.alpha = nn.AlphaDropout(0.2)
        self.falpha = nn.FeatureAlphaDropout(0.2)

    def forward(self, x: Tensor, v: Tensor, y: Tensor, z: Tensor
                ) -> Tuple[Tensor, Tensor, Tensor, Tensor, Tensor]:
        a = self.drop(self.bn1d(self.conv1d(x)))
        b = torch.relu(self.bn3d(self.conv3d(v)) + 0.5)
        c = self.bnt(self.convt(y))
        c += c
        c = torch.relu_(c)
        d = self.falpha(self.alpha(self.bnfc(self.fc(z))))
        e = F.dropout(torch.relu(d + d), 0.5, False)
        return a, b, c, d, e


class BatchNormTrain(nn.Module):
    # Training mode: batch statistics, running statistics updated in place.
    def forward(self, x: Tensor, rm: Tensor, rv: Tensor, w: Tensor,
                b: Tensor) -> Tuple[Tensor, Tensor, Tensor, Tensor, Tensor]:
        mean = rm * 2.0
        var = rv * 2.0
        y = F.batch_norm(x, mean, var, w, b, training=True, momentum=0.3)
        # Running statistics held in a strided view: written through it.
        stats = torch.cat([rm.unsqueeze(1), rv.unsqueeze(1)], 1)
        z = F.batch_norm(x.transpose(0, 1).contiguous().transpose(0, 1), stats[:, 0],
                         stats[:, 1], None, None, True, 0.1, 1e-3)
        return y, mean, var, z, stats


class LayerNormAll(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln = nn.LayerNorm(5)
        self.ln2 = nn.LayerNorm((3, 5), eps=1e-3)
        self.plain = nn.LayerNorm(5, elementwise_affine=False)
        with torch.no_grad():
            for m in (self.ln, self.ln2):
                m.weight.copy_(torch.randn_like(m.weight))
                m.bias.copy_(torch.randn_like(m.bias))

    def forward(self, x: Tensor, xd: Tensor) -> Tuple[Tensor, Tensor, Tensor, Tensor, Tensor]:
        return (self.ln(x), self.ln2(x), self.plain(x.transpose(0, 1)),
                F.layer_norm(xd, [5]), F.layer_norm(x[0, 0], [5], self.ln.weight))


class EmbeddingAll(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(10, 4, padding_idx=1)

    def forward(self, idx: Tensor, idx32: Tensor, w: Tensor) -> Tuple[Tensor, Tensor, Tensor, Tensor]:
        return (self.emb(idx), self.emb(idx32), F.embedding(idx.t() % 4, w.t()),
                F.embedding(idx[0, 0], w))


def r(*shape, dtype=torch.float32):
    return torch.randn(*shape, dtype=dtype)


# --- Channel shuffle ----------------------------------------------------------------


class ChannelShuffle(nn.Module):
    # nn.ChannelShuffle (aten::channel_shuffle) on 4-d and 3-d inputs, and
    # ShuffleNet's hand-written shuffle, which fuse-channel-shuffle turns
    # into the same op.
    def __init__(self):
        super().__init__()
        self.shuffle = nn.ChannelShuffle(3)

    def forward(self, x: Tensor, y: Tensor):
        n, c, h, w = x.size()
        v = x.view(n, 2, c // 2, h, w)
        v = torch.transpose(v, 1, 2).contiguous()
        return self.shuffle(x), v.view(n, -1, h, w) * 2, torch.channel_shuffle(y, 2)


CASES = [
    Case("conv2d_basic", Conv2dBasic(), (r(2, 3, 9, 8),)),
    Case("conv2d_groups", Conv2dGroups(), (r(2, 6, 7, 8),)),
    Case("conv2d_functional", Conv2dFunctional(),
         (r(2, 3, 8, 7), r(5, 3, 3, 3), r(5), r(1, 2, 9, 9, dtype=torch.float64),
          r(3, 2, 3, 2, dtype=torch.float64))),
    Case("conv2d_padding_string", Conv2dPaddingString(),
         (r(2, 3, 9, 10), r(4, 3, 2, 4), r(4, 3, 3, 3), r(4))),
    Case("conv1d", Conv1dAll(), (r(2, 4, 11), r(3, 4, 4))),
    Case("conv_transpose2d", ConvTranspose2dAll(), (r(2, 4, 5, 6),)),
    Case("conv_int", ConvInt(),
         (torch.randint(-9, 9, (2, 4, 6, 7)), torch.randint(-9, 9, (6, 2, 3, 3)),
          torch.randint(-9, 9, (6,)))),
    Case("conv_traced", TracedConvs(), (r(2, 4, 7, 6), r(2, 4, 9)), trace=True),
    Case("convolution_explicit", ConvolutionExplicit(),
         (r(2, 4, 7, 6), r(6, 2, 3, 3), r(6), r(4, 3, 3, 2), r(1, 3, 8), r(2, 3, 3))),
    Case("linear", LinearAll(),
         (r(5), r(2, 5), r(3, 2, 5), r(5), r(4, 3, dtype=torch.float64),
          r(2, 3, dtype=torch.float64))),
    Case("matmul_ranks", MatmulRanks(),
         (r(3), r(4), r(3, 4), r(4, 3), r(2, 3, 4), r(2, 1, 4, 3), r(5, 3, 2))),
    Case("matmul_int", MatmulInt(),
         (torch.randint(-5, 5, (2, 3, 4)), torch.randint(-5, 5, (4, 2)),
          r(3, 4, dtype=torch.float64))),
    Case("bmm_addmm", BmmAddmm(), (r(2, 3, 4), r(2, 4, 5), r(4), r(3, 2), r(2, 4), r(3, 4))),
    Case("max_pool2d", MaxPool(), (r(2, 3, 9, 10), r(1, 2, 7, 5, dtype=torch.float64))),
    Case("avg_pool2d", AvgPool(), (r(2, 3, 9, 10), torch.randint(-20, 20, (1, 2, 5, 5)))),
    Case("adaptive_avg_pool2d", AdaptiveAvgPool(), (r(2, 3, 7, 10),)),
    Case("batch_norm_eval", BatchNormEval(),
         (r(2, 4, 5, 6), r(5, 3, 7), r(2, 4, 3, 3, dtype=torch.float64))),
    Case("conv_bn_fold", ConvBnFold(),
         (r(2, 4, 13), r(1, 2, 5, 4, 3), r(2, 4, 3, 5), r(7, 5))),
    Case("batch_norm_train", BatchNormTrain(),
         (r(3, 4, 5, 2), r(4), torch.rand(4) + 0.5, r(4), r(4))),
    Case("layer_norm", LayerNormAll(), (r(2, 3, 5), r(4, 5, dtype=torch.float64))),
    Case("channel_shuffle", ChannelShuffle(), (r(2, 6, 5, 7), r(3, 4, 5))),
    Case("embedding", EmbeddingAll(),
         (torch.tensor([[1, 2, 9], [0, 1, 5]]), torch.tensor([3, 3, 7], dtype=torch.int32),
          r(6, 4))),
]
