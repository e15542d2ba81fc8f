#!/usr/bin/python3
"""Build the TorchScript test fixtures for irc's importer.

Usage:
    /usr/bin/python3 scripts/make_fixtures.py OUTDIR [--only NAME,...] [--small] [--force]

Every fixture is a `torch.jit.save` archive `<source>.<origin>.pt` in OUTDIR, with
reference data next to it:

    <name>.pt          the archive (the top-level zip folder is `<name>/`, as torch names it
                       after the file)
    <name>.in<k>.npy   the k-th positional input the reference run used
    <name>.out<k>.npy  the k-th tensor output of `torch.jit.load(<name>.pt)(*inputs)`;
                       tuples, lists, NamedTuples and dicts are flattened depth-first,
                       non-tensor outputs are skipped, bfloat16 is stored as float32

plus OUTDIR/manifest.json, a list with one entry per archive present in OUTDIR:
    {name, file, origin: scripted|traced|optimized, source_model, group,
     inputs: [{file, shape, dtype}], outputs: [...], notes,
     size, prefix, version_record, version, globals}

Groups:
  small     tiny focused modules for importer unit tests (`--small` builds these)
  tutorial  the PyTorch TorchScript / seq2seq tutorial models (`--small` builds these)
  vision    torchvision classifiers (random init, 1x3x224x224), each scripted and traced,
            and both passed through optimize_for_mobile (default build only)

Everything is deterministic: each source model is built after `torch.manual_seed(0)`
with the module in eval() mode, and its inputs come from a generator seeded with a
fixed value, so a fixture rebuilt on its own is identical in content to one built as
part of a full run. (The `___torch_mangle_<N>` counters in the archives are per
process, so class names may differ between a full and a partial build.)

A fixture is skipped when its archive exists and is newer than this script
(`--force` rebuilds). The archive is moved into place last, after its .npy files,
so an interrupted run never leaves an archive without reference data.
"""

import argparse
import fnmatch
import json
import os
import pickletools
import re
import shutil
import sys
import tempfile
import time
import warnings
import zipfile
from dataclasses import dataclass
from typing import Callable, Dict, List, NamedTuple, Optional, Tuple

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import Tensor
from torch.utils.mobile_optimizer import optimize_for_mobile

# Tracing data-dependent code and scripting torchvision emit many warnings; the
# fixtures are built knowingly, so keep the output to one line per fixture.
warnings.filterwarnings("ignore")

SCRIPT_PATH = os.path.abspath(__file__)
INPUT_SEED = 1234  # seed of the generator that makes every fixture's inputs


def input_generator() -> torch.Generator:
    return torch.Generator().manual_seed(INPUT_SEED)


# ---------------------------------------------------------------------------------------
# Small focused modules (group "small").  All are defined at module level because
# TorchScript needs their source; run as a script, their qualified names are
# `__torch__.<ClassName>` (code/__torch__.py).
# ---------------------------------------------------------------------------------------


class ConvBnRelu(nn.Module):
    """conv2d + batchnorm + relu, with non-trivial BN statistics."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.bn = nn.BatchNorm2d(8)
        self.relu = nn.ReLU()
        with torch.no_grad():
            self.bn.running_mean.uniform_(-0.5, 0.5)
            self.bn.running_var.uniform_(0.5, 2.0)
            self.bn.weight.uniform_(0.5, 1.5)
            self.bn.bias.uniform_(-0.2, 0.2)

    def forward(self, x: Tensor) -> Tensor:
        return self.relu(self.bn(self.conv(x)))


class ConvNoBiasBn(nn.Module):
    """A bias-less conv followed by batchnorm (the resnet/mobilenet pattern).

    optimize_for_mobile of the *traced* module drops the folded BN shift in torch
    1.13: the Conv2dOpContext gets bias None (freeze alone folds correctly)."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, bias=False)
        self.bn = nn.BatchNorm2d(4)
        with torch.no_grad():
            self.bn.running_mean.uniform_(-1.0, 1.0)
            self.bn.running_var.uniform_(0.5, 2.0)
            self.bn.weight.uniform_(0.5, 1.5)
            self.bn.bias.uniform_(-0.5, 0.5)

    def forward(self, x: Tensor) -> Tensor:
        return self.bn(self.conv(x))


class LinearRelu(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(16, 8)

    def forward(self, x: Tensor) -> Tensor:
        return F.relu(self.fc(x))


class MutatesAttributes(nn.Module):
    """Mutates an int attribute and appends to a list attribute on every call.

    The archive is saved before any call, so the reference outputs are those of the
    first call after loading (count == 1, history == [10])."""

    count: int
    history: List[int]

    def __init__(self):
        super().__init__()
        self.count = 0
        self.history = []

    def forward(self, x: Tensor) -> Tuple[Tensor, Tensor]:
        self.count += 1
        self.history.append(self.count * 10)
        y = x * float(self.count) + float(len(self.history))
        return y, torch.tensor(self.history)


@torch.jit.script
class Affine:
    """A TorchScript class (not a module): appears as `__torch__.Affine`."""

    def __init__(self, scale: float, bias: Tensor):
        self.scale = scale
        self.bias = bias

    def apply(self, x: Tensor) -> Tensor:
        return x * self.scale + self.bias


@torch.jit.interface
class ScaleInterface(nn.Module):
    def forward(self, x: Tensor) -> Tensor:
        pass


class Doubler(nn.Module):
    def forward(self, x: Tensor) -> Tensor:
        return x * 2.0


class UsesInterface(nn.Module):
    """A submodule typed by a ModuleInterface: the call goes through the
    interface, whose class has no body."""

    impl: ScaleInterface

    def __init__(self):
        super().__init__()
        self.impl = Doubler()

    def forward(self, x: Tensor) -> Tensor:
        return self.impl.forward(x) + 1.0


class UsesScriptClass(nn.Module):
    """Holds a script-class instance as an attribute and builds another in forward."""

    def __init__(self):
        super().__init__()
        self.affine = Affine(2.0, torch.randn(4))

    def forward(self, x: Tensor) -> Tensor:
        local = Affine(0.5, x)
        return self.affine.apply(x) + local.apply(x)


class PairOut(NamedTuple):
    total: Tensor
    scaled: Tensor


class ReturnsNamedTuple(nn.Module):
    def forward(self, x: Tensor) -> PairOut:
        return PairOut(x.sum(dim=1), x * 2.0)


class AttributeTypes(nn.Module):
    """One attribute of every pickled container/scalar kind, all used in forward."""

    ints: List[int]
    strs: List[str]
    mapping: Dict[str, int]
    pair: Tuple[int, float]
    maybe: Optional[Tensor]
    maybe_set: Optional[Tensor]
    name: str
    ratio: float
    flag: bool
    dev: torch.device
    floats: List[float]
    bools: List[bool]
    tensors: List[Tensor]
    tensor_dict: Dict[str, Tensor]
    nested: List[List[int]]
    big: int

    def __init__(self):
        super().__init__()
        self.ints = [3, -7, 1]
        self.strs = ["a", "bc", "def"]
        self.mapping = {"a": 1, "b": 20}
        self.pair = (5, 0.25)
        self.maybe = None
        self.maybe_set = torch.randn(2, 3)
        self.name = "attr-types"
        self.ratio = 1.5
        self.flag = True
        self.dev = torch.device("cpu")
        self.floats = [0.5, -1.25]
        self.bools = [True, False, True]
        self.tensors = [torch.randn(2, 3), torch.randn(3)]
        self.tensor_dict = {"w": torch.randn(2, 3)}
        self.nested = [[1, 2], [3]]
        self.big = 2**40  # pickled as LONG1

    def forward(self, x: Tensor) -> Tensor:
        total = 0
        for v in self.ints:
            total += v
        for s in self.strs:
            total += len(s)
        total += self.mapping["b"]
        total += self.pair[0]
        for row in self.nested:
            for v in row:
                total += v
        y = x * self.ratio + float(total) + self.pair[1]
        if self.flag:
            y = y + 1.0
        if self.maybe is None:
            y = y * 2.0
        maybe_set = self.maybe_set
        if maybe_set is not None:
            y = y + maybe_set
        for t in self.tensors:
            y = y + t
        y = y + self.tensor_dict["w"]
        for f in self.floats:
            y = y + f
        for b in self.bools:
            if b:
                y = y + 0.125
        if self.name == "attr-types":
            y = y + 0.5
        y = y + float(self.big // 2**30)  # + 1024
        return y.to(self.dev)


class QuantizedPerTensor(nn.Module):
    """A per-tensor affine quint8 buffer (`_rebuild_qtensor`, QUInt8Storage)."""

    def __init__(self):
        super().__init__()
        w = torch.randn(4, 4)
        self.register_buffer("qweight", torch.quantize_per_tensor(w, 0.05, 10, torch.quint8))

    def forward(self, x: Tensor) -> Tensor:
        return x + self.qweight.dequantize()


class QuantizedPerChannel(nn.Module):
    """A per-channel affine qint8 buffer (scales float64, zero points int64, axis 0)."""

    def __init__(self):
        super().__init__()
        w = torch.randn(3, 5)
        scales = torch.tensor([0.02, 0.05, 0.1], dtype=torch.float64)
        zero_points = torch.tensor([0, -3, 4], dtype=torch.int64)
        self.register_buffer(
            "qweight", torch.quantize_per_channel(w, scales, zero_points, 0, torch.qint8))

    def forward(self, x: Tensor) -> Tensor:
        return x + self.qweight.dequantize()


class StringConstant(nn.Module):
    """Strings with quotes, newlines and non-ASCII characters.

    The literal in forward goes to constants.pkl (printed as CONSTANTS.c0); the
    attribute goes to data.pkl.  The second output holds the bytes TorchScript sees
    when it iterates the literal (TorchScript strings iterate UTF-8 *bytes*, and
    len() counts bytes)."""

    label: str

    def __init__(self):
        super().__init__()
        self.label = "attr \"double\" 'single'\ttab\nnewline ünïcødé ✓"

    def forward(self, x: Tensor) -> Tuple[Tensor, Tensor]:
        s = "quote\" and 'single' \n newline, non-ASCII: é ü 中文 ✓"
        codes = torch.tensor([ord(c) for c in s])
        return x + float(len(s)) + float(len(self.label)), codes


class ExtraFiles(nn.Module):
    def forward(self, x: Tensor) -> Tensor:
        return x * 2.0 - 1.0


class GeluTanh(nn.Module):
    """aten::gelu with approximate='tanh' => file-format version 10 in `.data/version`."""

    def forward(self, x: Tensor) -> Tensor:
        return F.gelu(x, approximate="tanh")


class TrueDivide(nn.Module):
    """aten::div (true division and rounding_mode) => file-format version 4."""

    def forward(self, x: Tensor) -> Tuple[Tensor, Tensor]:
        return x / 3.0, torch.div(x * 10.0, 3.0, rounding_mode="floor")


class Linspace(nn.Module):
    """aten::linspace => file-format version 8 in `.data/version`."""

    def forward(self, x: Tensor) -> Tensor:
        return x + torch.linspace(0.0, 1.0, 5)


class SharedStorageViews(nn.Module):
    """Buffers that are views of one storage (a single data/0 record):
    a contiguous window at storage offset 4, its transpose (non-contiguous,
    strides (1, 4)), a strided slice (offset 1, stride 3) and a broadcast
    (stride 0) view."""

    def __init__(self):
        super().__init__()
        base = torch.arange(24, dtype=torch.float32)
        window = base[4:16].view(3, 4)
        self.register_buffer("base", base)
        self.register_buffer("window", window)
        self.register_buffer("window_t", window.t())
        self.register_buffer("strided", base[1::3])
        self.register_buffer("broadcast", base[0:3].view(3, 1).expand(3, 4))

    def forward(self, x: Tensor) -> Tuple[Tensor, Tensor, Tensor, Tensor]:
        # x: 3x4
        return (x + self.window, x.t() * self.window_t, self.strided * 2.0,
                x - self.broadcast + self.base.sum())


class BufferDtypes(nn.Module):
    """Buffers of the common storage dtypes, each used in forward."""

    def __init__(self):
        super().__init__()
        self.register_buffer("f64", torch.randn(2, 3, dtype=torch.float64))
        self.register_buffer("i64", torch.tensor([[-(2**40), 7, 0], [1, -1, 2**33]]))
        self.register_buffer("i32", torch.tensor([[-(2**31), 5, -6], [7, 2**31 - 1, 0]],
                                                 dtype=torch.int32))
        self.register_buffer("u8", torch.tensor([[0, 1, 127], [128, 200, 255]], dtype=torch.uint8))
        self.register_buffer("i8", torch.tensor([[-128, -1, 0], [1, 64, 127]], dtype=torch.int8))
        self.register_buffer("b", torch.tensor([[True, False, True], [False, False, True]]))
        self.register_buffer("f16", torch.randn(2, 3).half())
        self.register_buffer("bf16", torch.randn(2, 3).bfloat16())

    def forward(self, x: Tensor) -> Tuple[Tensor, Tensor, Tensor, Tensor, Tensor, Tensor,
                                          Tensor, Tensor]:
        # x: float32 2x3
        return (x.double() * self.f64,
                self.i64 + 1,
                self.i32 // 2,
                self.u8 // 2,
                self.i8 // 2,
                torch.logical_xor(self.b, x > 0.0),
                x.half() + self.f16,
                x + self.bf16.float())


class BufferDtypesRare(nn.Module):
    """Storage classes not seen in the common models: ShortStorage (int16),
    ComplexFloatStorage and ComplexDoubleStorage."""

    def __init__(self):
        super().__init__()
        self.register_buffer("i16", torch.tensor([-32768, -2, 0, 3, 32767], dtype=torch.int16))
        self.register_buffer("c64", torch.randn(3, dtype=torch.complex64))
        self.register_buffer("c128", torch.randn(3, dtype=torch.complex128))

    def forward(self, x: Tensor) -> Tuple[Tensor, Tensor, Tensor]:
        # x: float32 of 3 elements
        return self.i16 // 2, self.c64 * 2.0 + x, self.c128 * 3.0


class Conv1dModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv1d(4, 8, 3, padding=1)
        self.conv2 = nn.Conv1d(8, 4, 5, dilation=2, groups=2)

    def forward(self, x: Tensor) -> Tensor:
        return self.conv2(F.relu(self.conv1(x)))


class DropoutTraining(nn.Module):
    """nn.Dropout, F.dropout(training=self.training) and an explicit `training` branch."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 8)
        self.drop = nn.Dropout(0.5)

    def forward(self, x: Tensor) -> Tensor:
        y = self.drop(self.fc(x))
        if self.training:
            y = y * 0.0
        else:
            y = F.dropout(y, 0.3, self.training) + 1.0
        return y


def clamp_and_scale(x: Tensor, limit: float, scale: float) -> Tensor:
    """A plain Python helper; scripted transitively, emitted as `__torch__.clamp_and_scale`."""
    return torch.clamp(x, -limit, limit) * scale


@torch.jit.script
def scaled_softmax(x: Tensor, temperature: float) -> Tensor:
    """A @torch.jit.script free function using torch.nn.functional helpers."""
    return F.softmax(x * (1.0 / temperature), dim=-1) + F.leaky_relu(x, 0.1)


class FunctionalLoops(nn.Module):
    """Free-function calls, a `for i in range(n)` loop with loop-carried tensor and
    float values, and a data-dependent `while` loop."""

    steps: int

    def __init__(self):
        super().__init__()
        self.steps = 4

    def forward(self, x: Tensor) -> Tuple[Tensor, Tensor, Tensor]:
        acc = torch.zeros_like(x)
        prod = 1.0
        for i in range(self.steps):
            acc = acc + F.relu(x - float(i) * 0.25)
            prod = prod * 0.5
        y = x
        k = 0
        while bool(y.norm() < 50.0) and k < 100:
            y = y * 1.5 + 0.1
            k += 1
        out = scaled_softmax(acc, 2.0) * prod + clamp_and_scale(y, 3.0, 0.5) + float(k)
        padded = F.pad(x, [1, 2], mode="constant", value=0.0)
        return out, padded, torch.tensor([k])


# ---------------------------------------------------------------------------------------
# Tutorial models (group "tutorial")
# ---------------------------------------------------------------------------------------


class MyDecisionGate(nn.Module):
    """From the TorchScript introduction tutorial: data-dependent control flow."""

    def forward(self, x: Tensor) -> Tensor:
        if x.sum() > 0:
            return x
        else:
            return -x


class MyCell(nn.Module):
    def __init__(self, dg: nn.Module):
        super().__init__()
        self.dg = dg
        self.linear = nn.Linear(4, 4)

    def forward(self, x: Tensor, h: Tensor) -> Tuple[Tensor, Tensor]:
        new_h = torch.tanh(self.dg(self.linear(x)) + h)
        return new_h, new_h


class MyRNNLoop(nn.Module):
    """Tutorial: a scripted loop around a traced cell that contains a scripted gate."""

    def __init__(self, cell: nn.Module):
        super().__init__()
        self.cell = cell

    def forward(self, xs: Tensor) -> Tuple[Tensor, Tensor]:
        h, y = torch.zeros(3, 4), torch.zeros(3, 4)
        for i in range(xs.size(0)):
            y, h = self.cell(xs[i], h)
        return y, h


class WrapRNN(nn.Module):
    """Tutorial: traced wrapper around the scripted MyRNNLoop."""

    def __init__(self, loop: nn.Module):
        super().__init__()
        self.loop = loop

    def forward(self, xs: Tensor) -> Tensor:
        y, h = self.loop(xs)
        return torch.relu(y)


# Sizes of the seq2seq models (the translation tutorial uses hidden 256 and
# MAX_LENGTH 10; smaller here).
HIDDEN = 32
VOCAB = 40
MAX_LENGTH = 10
SOS_TOKEN = 0


class EncoderRNN(nn.Module):
    """Translation tutorial encoder: one token per call, embedding + GRU."""

    def __init__(self, input_size: int, hidden_size: int):
        super().__init__()
        self.hidden_size = hidden_size
        self.embedding = nn.Embedding(input_size, hidden_size)
        self.gru = nn.GRU(hidden_size, hidden_size)

    def forward(self, input: Tensor, hidden: Tensor) -> Tuple[Tensor, Tensor]:
        embedded = self.embedding(input).view(1, 1, -1)
        output = embedded
        output, hidden = self.gru(output, hidden)
        return output, hidden


class AttnDecoderRNN(nn.Module):
    """Translation tutorial attention decoder: embedding, attention (linear, softmax,
    bmm), GRU, log_softmax."""

    def __init__(self, hidden_size: int, output_size: int, dropout_p: float = 0.1,
                 max_length: int = MAX_LENGTH):
        super().__init__()
        self.hidden_size = hidden_size
        self.output_size = output_size
        self.dropout_p = dropout_p
        self.max_length = max_length
        self.embedding = nn.Embedding(self.output_size, self.hidden_size)
        self.attn = nn.Linear(self.hidden_size * 2, self.max_length)
        self.attn_combine = nn.Linear(self.hidden_size * 2, self.hidden_size)
        self.dropout = nn.Dropout(self.dropout_p)
        self.gru = nn.GRU(self.hidden_size, self.hidden_size)
        self.out = nn.Linear(self.hidden_size, self.output_size)

    def forward(self, input: Tensor, hidden: Tensor,
                encoder_outputs: Tensor) -> Tuple[Tensor, Tensor, Tensor]:
        embedded = self.embedding(input).view(1, 1, -1)
        embedded = self.dropout(embedded)
        attn_weights = F.softmax(self.attn(torch.cat((embedded[0], hidden[0]), 1)), dim=1)
        attn_applied = torch.bmm(attn_weights.unsqueeze(0), encoder_outputs.unsqueeze(0))
        output = torch.cat((embedded[0], attn_applied[0]), 1)
        output = self.attn_combine(output).unsqueeze(0)
        output = F.relu(output)
        output, hidden = self.gru(output, hidden)
        output = F.log_softmax(self.out(output[0]), dim=1)
        return output, hidden, attn_weights


class GreedySearchDecoder(nn.Module):
    """Chatbot-tutorial style greedy decoding around the two models above.

    Encodes the token sequence one token at a time, then runs
    `for _ in range(self.max_length)` decoder steps, feeding back the arg-max token
    and collecting tokens and scores with torch.cat.  Scripted only: tracing would
    unroll the loops."""

    max_length: int
    hidden_size: int
    sos_token: int

    def __init__(self, encoder: nn.Module, decoder: nn.Module):
        super().__init__()
        self.encoder = encoder
        self.decoder = decoder
        self.max_length = MAX_LENGTH
        self.hidden_size = HIDDEN
        self.sos_token = SOS_TOKEN

    def forward(self, input_seq: Tensor) -> Tuple[Tensor, Tensor]:
        # input_seq: int64 [L] with L <= max_length
        hidden = torch.zeros(1, 1, self.hidden_size)
        encoder_outputs = torch.zeros(self.max_length, self.hidden_size)
        for ei in range(input_seq.size(0)):
            output, hidden = self.encoder(input_seq[ei:ei + 1], hidden)
            encoder_outputs[ei] = output[0, 0]
        decoder_input = torch.ones(1, dtype=torch.long) * self.sos_token
        all_tokens = torch.zeros([0], dtype=torch.long)
        all_scores = torch.zeros([0])
        for _ in range(self.max_length):
            decoder_output, hidden, attn = self.decoder(decoder_input, hidden, encoder_outputs)
            decoder_scores, decoder_input = torch.max(decoder_output, dim=1)
            all_tokens = torch.cat((all_tokens, decoder_input), dim=0)
            all_scores = torch.cat((all_scores, decoder_scores), dim=0)
        return all_tokens, all_scores


# ---------------------------------------------------------------------------------------
# Fixture registry
# ---------------------------------------------------------------------------------------


class Context:
    """Per source model: the eager module, its inputs, and the scripted/traced
    modules made from it (each made at most once)."""

    def __init__(self, eager: nn.Module, inputs: Tuple[Tensor, ...]):
        self.eager = eager
        self.inputs = inputs
        self._cache: Dict[str, torch.jit.ScriptModule] = {}

    def scripted(self) -> torch.jit.ScriptModule:
        if "scripted" not in self._cache:
            self._cache["scripted"] = torch.jit.script(self.eager).eval()
        return self._cache["scripted"]

    def traced(self) -> torch.jit.ScriptModule:
        if "traced" not in self._cache:
            # no_grad and check_trace=False give the same graph (checked on resnet18
            # and mobilenet_v3_small) about 5x faster than the defaults.
            with torch.no_grad():
                self._cache["traced"] = torch.jit.trace(
                    self.eager, self.inputs, check_trace=False).eval()
        return self._cache["traced"]


@dataclass
class Variant:
    suffix: str  # "scripted", "traced", "scripted.optimized", "traced.optimized"
    notes: str = ""
    extra_files: Optional[Dict[str, str]] = None

    @property
    def origin(self) -> str:
        return "optimized" if self.suffix.endswith(".optimized") else self.suffix

    def make(self, ctx: Context) -> torch.jit.ScriptModule:
        if self.suffix == "scripted":
            return ctx.scripted()
        if self.suffix == "traced":
            return ctx.traced()
        if self.suffix == "scripted.optimized":
            return optimize_for_mobile(ctx.scripted())
        if self.suffix == "traced.optimized":
            return optimize_for_mobile(ctx.traced())
        raise ValueError(self.suffix)


@dataclass
class Source:
    source_model: str
    group: str  # small | tutorial | vision
    build: Callable[[], Context]  # called after torch.manual_seed(0)
    variants: List[Variant]
    notes: str = ""

    def fixture_names(self) -> List[str]:
        return [f"{self.source_model}.{v.suffix}" for v in self.variants]


def simple(module_factory: Callable[[], nn.Module],
           *shapes_or_tensors) -> Callable[[], Context]:
    """Builder for a module with float32 randn inputs of the given shapes
    (or ready-made tensors)."""

    def build() -> Context:
        m = module_factory().eval()
        g = input_generator()
        inputs = tuple(s if isinstance(s, Tensor) else torch.randn(*s, generator=g)
                       for s in shapes_or_tensors)
        return Context(m, inputs)

    return build


def build_my_cell() -> Context:
    # As in the tutorial: the gate is scripted first, so the control flow survives
    # in the scripted cell.
    m = MyCell(torch.jit.script(MyDecisionGate())).eval()
    g = input_generator()
    return Context(m, (torch.rand(3, 4, generator=g), torch.rand(3, 4, generator=g)))


def build_my_cell_eager_gate() -> Context:
    # Traced with a Python gate: the branch taken at trace time is baked in.
    m = MyCell(MyDecisionGate()).eval()
    g = input_generator()
    return Context(m, (torch.rand(3, 4, generator=g), torch.rand(3, 4, generator=g)))


def build_my_rnn_loop() -> Context:
    g = input_generator()
    x, h = torch.rand(3, 4, generator=g), torch.rand(3, 4, generator=g)
    cell = torch.jit.trace(MyCell(torch.jit.script(MyDecisionGate())), (x, h))
    return Context(MyRNNLoop(cell).eval(), (torch.rand(10, 3, 4, generator=g),))


def build_wrap_rnn() -> Context:
    g = input_generator()
    x, h = torch.rand(3, 4, generator=g), torch.rand(3, 4, generator=g)
    cell = torch.jit.trace(MyCell(torch.jit.script(MyDecisionGate())), (x, h))
    loop = torch.jit.script(MyRNNLoop(cell))
    return Context(WrapRNN(loop).eval(), (torch.rand(10, 3, 4, generator=g),))


def build_encoder() -> Context:
    m = EncoderRNN(VOCAB, HIDDEN).eval()
    g = input_generator()
    token = torch.randint(0, VOCAB, (1,), generator=g, dtype=torch.int64)
    hidden = torch.randn(1, 1, HIDDEN, generator=g)
    return Context(m, (token, hidden))


def build_attn_decoder() -> Context:
    m = AttnDecoderRNN(HIDDEN, VOCAB).eval()
    g = input_generator()
    token = torch.randint(0, VOCAB, (1,), generator=g, dtype=torch.int64)
    hidden = torch.randn(1, 1, HIDDEN, generator=g)
    encoder_outputs = torch.randn(MAX_LENGTH, HIDDEN, generator=g)
    return Context(m, (token, hidden, encoder_outputs))


def build_greedy() -> Context:
    m = GreedySearchDecoder(torch.jit.script(EncoderRNN(VOCAB, HIDDEN).eval()),
                            torch.jit.script(AttnDecoderRNN(HIDDEN, VOCAB).eval())).eval()
    g = input_generator()
    return Context(m, (torch.randint(1, VOCAB, (7,), generator=g, dtype=torch.int64),))


def calibrate_batchnorm(m: nn.Module, batches: int = 2) -> None:
    """Set BatchNorm running statistics from a few random batches.

    With weights=None the BN layers keep mean 0 / var 1, and in eval mode the
    activations of the deep models then vanish (mobilenet_v2's logits were ~1e-9),
    which makes the reference outputs useless.  A cumulative average over a couple
    of train-mode batches keeps every layer at roughly unit scale.  momentum is a
    Final constant in the scripted code, so it is restored afterwards."""
    bns = [b for b in m.modules() if isinstance(b, nn.modules.batchnorm._BatchNorm)]
    if not bns:
        return
    saved = [b.momentum for b in bns]
    for b in bns:
        b.reset_running_stats()
        b.momentum = None  # cumulative moving average
    g = torch.Generator().manual_seed(INPUT_SEED + 1)
    m.train()
    with torch.no_grad():
        for _ in range(batches):
            m(torch.randn(2, 3, 224, 224, generator=g))
    for b, mom in zip(bns, saved):
        b.momentum = mom


def build_vision(name: str) -> Callable[[], Context]:
    def build() -> Context:
        import torchvision  # imported only when a vision fixture is built

        m = getattr(torchvision.models, name)(weights=None)
        # torchvision initialises the mobilenet classifiers with std 0.01, which
        # leaves logits of ~0.01, too close to the absolute tolerance (1e-4)
        # for a comparison to mean much; PyTorch's default Linear init gives
        # logits of order 1.
        for mod in m.modules():
            if isinstance(mod, nn.Linear):
                mod.reset_parameters()
        calibrate_batchnorm(m)
        m.eval()
        g = input_generator()
        return Context(m, (torch.randn(1, 3, 224, 224, generator=g),))

    return build


EXTRA_INFO = {"model": "extra_files", "producer": "scripts/make_fixtures.py",
              "note": "saved with _extra_files; the record is extra/meta/info.json"}

TRACED_BN_BUG = ("torch 1.13 bug: optimize_for_mobile of a traced bias-less conv + BatchNorm "
                 "drops the folded BN shift (Conv2dOpContext bias None), so these outputs "
                 "differ from the other variants; the .npy files hold what the archive "
                 "computes")

S = Variant("scripted")
T = Variant("traced")
SO = Variant("scripted.optimized", "optimize_for_mobile of the scripted module")
TO = Variant("traced.optimized", "optimize_for_mobile of the traced module")
TO_BN = Variant("traced.optimized",
                "optimize_for_mobile of the traced module; " + TRACED_BN_BUG)

SOURCES: List[Source] = [
    # --- small focused archives -------------------------------------------------------
    Source("conv_bn_relu", "small", simple(ConvBnRelu, (1, 3, 16, 16)), [S, T, SO],
           "conv2d + batchnorm (random running stats) + relu"),
    Source("conv_nobias_bn", "small", simple(ConvNoBiasBn, (1, 3, 8, 8)), [S, T, SO, TO_BN],
           "conv2d(bias=False) + batchnorm with random statistics"),
    Source("linear_relu", "small", simple(LinearRelu, (2, 16)), [S, T], "linear + relu"),
    Source("mutates_attributes", "small", simple(MutatesAttributes, (2, 3)), [S],
           "self.count += 1 and self.history.append(); outputs are those of the first "
           "call after load (count 1, history [10])"),
    Source("sequential", "small",
           simple(lambda: nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 4)), (3, 8)),
           [S], "nn.Sequential scripted directly; children via getattr(self, \"0\")"),
    Source("interface_call", "small", simple(UsesInterface, (2, 3)), [S],
           "a submodule typed by a ModuleInterface; the call goes through it"),
    Source("script_class", "small", simple(UsesScriptClass, (4,)), [S],
           "@torch.jit.script class Affine: an attribute instance (data.pkl GLOBAL "
           "'__torch__ Affine') and one built in forward (__new__/__init__)"),
    Source("namedtuple_output", "small", simple(ReturnsNamedTuple, (3, 5)), [S],
           "returns NamedTuple PairOut(total, scaled)"),
    Source("attribute_types", "small", simple(AttributeTypes, (2, 3)), [S],
           "attributes List[int], List[str], Dict[str,int], Tuple[int,float], "
           "Optional[Tensor]=None and set, str, float, bool, torch.device, List[float], "
           "List[bool], List[Tensor], Dict[str,Tensor], List[List[int]], int 2**40"),
    Source("quantized_per_tensor", "small", simple(QuantizedPerTensor, (4, 4)), [S],
           "quint8 per_tensor_affine buffer (scale 0.05, zero_point 10)"),
    Source("quantized_per_channel", "small", simple(QuantizedPerChannel, (3, 5)), [S],
           "qint8 per_channel_affine buffer (axis 0, float64 scales, int64 zero points)"),
    Source("string_constant", "small", simple(StringConstant, (2,)), [S],
           "string literal with quotes/newline/non-ASCII -> constants.pkl CONSTANTS.c0; "
           "out1 = its UTF-8 bytes (TorchScript iterates strings bytewise); "
           "len() counts bytes"),
    Source("extra_files", "small", simple(ExtraFiles, (2, 2)),
           [Variant("scripted", "", {"meta/info.json": json.dumps(EXTRA_INFO, sort_keys=True)})],
           "saved with _extra_files={'meta/info.json': ...} -> record extra/meta/info.json"),
    Source("gelu_tanh", "small", simple(GeluTanh, (2, 8)), [S],
           "F.gelu(approximate='tanh'): file-format version 10 in .data/version"),
    Source("true_divide", "small", simple(TrueDivide, (2, 4)), [S],
           "aten::div: file-format version 4"),
    Source("linspace", "small", simple(Linspace, (5,)), [S],
           "aten::linspace: file-format version 8 in .data/version"),
    Source("shared_storage_views", "small", simple(SharedStorageViews, (3, 4)), [S],
           "five buffers sharing one storage: offset 4 view, transposed view "
           "(strides (1,4)), strided slice (offset 1, stride 3), expanded (stride 0) view"),
    Source("buffer_dtypes", "small", simple(BufferDtypes, (2, 3)), [S],
           "buffers float64, int64, int32, uint8, int8, bool, float16, bfloat16"),
    Source("buffer_dtypes_rare", "small", simple(BufferDtypesRare, (3,)), [S],
           "buffers int16 (ShortStorage), complex64, complex128"),
    Source("conv1d", "small", simple(Conv1dModel, (1, 4, 20)), [S],
           "conv1d (padding 1) + relu + conv1d (dilation 2, groups 2)"),
    Source("dropout_training", "small", simple(DropoutTraining, (2, 8)), [S],
           "nn.Dropout, F.dropout(training=self.training) and an if self.training branch; "
           "saved in eval mode"),
    Source("functional_loops", "small", simple(FunctionalLoops, (2, 6)), [S],
           "@torch.jit.script free function + transitively scripted helper, "
           "for-range loop with loop-carried tensor/float, data-dependent while loop, F.pad"),
    # --- tutorial models --------------------------------------------------------------
    Source("my_cell", "tutorial", build_my_cell, [S],
           "TorchScript tutorial MyCell with a scripted MyDecisionGate (if x.sum() > 0)"),
    Source("my_cell_eager_gate", "tutorial", build_my_cell_eager_gate, [T],
           "MyCell traced with a Python MyDecisionGate: the branch taken at trace time "
           "is baked in"),
    Source("my_rnn_loop", "tutorial", build_my_rnn_loop, [S],
           "tutorial MyRNNLoop: scripted loop over a traced MyCell containing a "
           "scripted gate"),
    Source("wrap_rnn", "tutorial", build_wrap_rnn, [T],
           "tutorial WrapRNN: traced module calling the scripted MyRNNLoop"),
    Source("encoder_rnn", "tutorial", build_encoder, [S, T, SO],
           f"translation tutorial EncoderRNN (embedding + GRU), vocab {VOCAB}, "
           f"hidden {HIDDEN}; inputs token int64 [1], hidden [1,1,{HIDDEN}]"),
    Source("attn_decoder_rnn", "tutorial", build_attn_decoder, [S, T, SO],
           f"translation tutorial AttnDecoderRNN, vocab {VOCAB}, hidden {HIDDEN}, "
           f"max_length {MAX_LENGTH}; inputs token int64 [1], hidden, encoder_outputs"),
    Source("greedy_search", "tutorial", build_greedy, [S],
           "chatbot-style greedy search: for-range loops over EncoderRNN and "
           "AttnDecoderRNN; outputs tokens int64 [10] and scores [10]"),
]

VISION_MODELS = ["mobilenet_v2", "mobilenet_v3_small", "resnet18", "shufflenet_v2_x1_0",
                 "squeezenet1_1"]
for _name in VISION_MODELS:
    SOURCES.append(Source(_name, "vision", build_vision(_name),
                          [S, T, SO, TO if _name == "squeezenet1_1" else TO_BN],
                          f"torchvision {_name}(weights=None), BatchNorm statistics "
                          f"calibrated on 2 random batches, input 1x3x224x224"))


# ---------------------------------------------------------------------------------------
# Building one fixture
# ---------------------------------------------------------------------------------------


def flatten_outputs(value) -> List[Tensor]:
    """Depth-first list of the tensors in a (nested) output; other values are skipped."""
    if isinstance(value, Tensor):
        return [value]
    if isinstance(value, (tuple, list)):
        return [t for v in value for t in flatten_outputs(v)]
    if isinstance(value, dict):
        return [t for v in value.values() for t in flatten_outputs(v)]
    return []


def to_numpy(t: Tensor) -> np.ndarray:
    t = t.detach().cpu()
    if t.is_quantized:
        t = t.dequantize()
    if t.dtype == torch.bfloat16:  # numpy has no bfloat16
        t = t.float()
    return t.contiguous().numpy()


NPY_RE = r"^{}\.(in|out)(\d+)\.npy$"


def npy_files(outdir: str, name: str, kind: str) -> List[str]:
    """The existing <name>.<kind><k>.npy files, in k order."""
    pattern = re.compile(NPY_RE.format(re.escape(name)))
    found = []
    for f in os.listdir(outdir):
        m = pattern.match(f)
        if m and m.group(1) == kind:
            found.append((int(m.group(2)), f))
    return [f for _, f in sorted(found)]


def build_fixture(outdir: str, name: str, module: torch.jit.ScriptModule,
                  inputs: Tuple[Tensor, ...], extra_files: Optional[Dict[str, str]]) -> None:
    """Save, reload, run, write .npy files, then move the archive into place."""
    tmpdir = tempfile.mkdtemp(prefix=".tmp-", dir=outdir)
    try:
        # Same basename as the final file, so the zip's top-level folder is `<name>/`.
        tmp_pt = os.path.join(tmpdir, name + ".pt")
        torch.jit.save(module, tmp_pt, _extra_files=extra_files or {})
        loaded = torch.jit.load(tmp_pt)
        # The inputs as given, before a model that writes into its inputs
        # changes them.
        saved_inputs = [to_numpy(t).copy() for t in inputs]
        with torch.no_grad():
            outputs = flatten_outputs(loaded(*inputs))
        for kind in ("in", "out"):
            for f in npy_files(outdir, name, kind):
                os.remove(os.path.join(outdir, f))
        for k, a in enumerate(saved_inputs):
            np.save(os.path.join(outdir, f"{name}.in{k}.npy"), a)
        for k, t in enumerate(outputs):
            np.save(os.path.join(outdir, f"{name}.out{k}.npy"), to_numpy(t))
        os.replace(tmp_pt, os.path.join(outdir, name + ".pt"))
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)


# ---------------------------------------------------------------------------------------
# Manifest (computed from the files, so it is the same whether a fixture was just
# built or skipped)
# ---------------------------------------------------------------------------------------


def npy_info(path: str) -> Tuple[List[int], str]:
    with open(path, "rb") as f:
        version = np.lib.format.read_magic(f)
        if version == (1, 0):
            shape, _, dtype = np.lib.format.read_array_header_1_0(f)
        else:
            shape, _, dtype = np.lib.format.read_array_header_2_0(f)
    return list(shape), dtype.name


def pickle_globals(data: bytes) -> List[str]:
    return [arg for op, arg, _ in pickletools.genops(data) if op.name == "GLOBAL"]


def archive_info(path: str) -> dict:
    """Top-level folder, version record and the distinct GLOBALs of the pickles."""
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        prefix = names[0].split("/", 1)[0]
        info = {"size": os.path.getsize(path), "prefix": prefix + "/", "records": len(names)}
        for rec in (".data/version", "version"):
            if f"{prefix}/{rec}" in names:
                info["version_record"] = rec
                info["version"] = int(z.read(f"{prefix}/{rec}").decode().strip())
        globs = set()
        for rec in ("data.pkl", "constants.pkl"):
            if f"{prefix}/{rec}" in names:
                globs.update(pickle_globals(z.read(f"{prefix}/{rec}")))
        info["globals"] = sorted(globs)
    return info


def manifest_entry(outdir: str, src: Source, var: Variant) -> dict:
    name = f"{src.source_model}.{var.suffix}"
    notes = "; ".join(n for n in (src.notes, var.notes) if n)
    entry = {
        "name": name,
        "file": name + ".pt",
        "origin": var.origin,
        "source_model": src.source_model,
        "group": src.group,
        "inputs": [],
        "outputs": [],
        "notes": notes,
    }
    if var.origin == "optimized":
        entry["optimized_from"] = var.suffix.split(".")[0]
    for kind, key in (("in", "inputs"), ("out", "outputs")):
        for f in npy_files(outdir, name, kind):
            shape, dtype = npy_info(os.path.join(outdir, f))
            entry[key].append({"file": f, "shape": shape, "dtype": dtype})
    entry.update(archive_info(os.path.join(outdir, name + ".pt")))
    return entry


def write_manifest(outdir: str) -> int:
    entries = []
    for src in SOURCES:
        for var in src.variants:
            if os.path.exists(os.path.join(outdir, f"{src.source_model}.{var.suffix}.pt")):
                entries.append(manifest_entry(outdir, src, var))
    tmp = os.path.join(outdir, ".manifest.json.tmp")
    with open(tmp, "w") as f:
        json.dump(entries, f, indent=1)
        f.write("\n")
    os.replace(tmp, os.path.join(outdir, "manifest.json"))
    return len(entries)


# ---------------------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------------------


def human_size(n: int) -> str:
    return f"{n / 1e6:.2f} MB" if n >= 1e6 else f"{n / 1e3:.1f} kB"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("--only", default="",
                    help="comma-separated fixture or source-model names (fnmatch patterns)")
    ap.add_argument("--small", action="store_true",
                    help="only the small focused archives and the tutorial models")
    ap.add_argument("--force", action="store_true", help="rebuild even if up to date")
    args = ap.parse_args()

    torch.set_num_threads(2)
    os.makedirs(args.outdir, exist_ok=True)
    script_mtime = os.path.getmtime(SCRIPT_PATH)
    patterns = [p for p in args.only.split(",") if p]

    def selected(src: Source, fixture: str) -> bool:
        if args.small and src.group == "vision":
            return False
        if not patterns:
            return True
        return any(fnmatch.fnmatchcase(fixture, p) or fnmatch.fnmatchcase(src.source_model, p)
                   for p in patterns)

    t_start = time.time()
    built = skipped = 0
    for src in SOURCES:
        todo = []
        for var in src.variants:
            name = f"{src.source_model}.{var.suffix}"
            if not selected(src, name):
                continue
            path = os.path.join(args.outdir, name + ".pt")
            if (not args.force and os.path.exists(path)
                    and os.path.getmtime(path) > script_mtime):
                print(f"up-to-date {name:44s} {human_size(os.path.getsize(path)):>10s}")
                skipped += 1
            else:
                todo.append(var)
        if not todo:
            continue
        torch.manual_seed(0)
        ctx = src.build()
        for var in todo:
            name = f"{src.source_model}.{var.suffix}"
            t0 = time.time()
            module = var.make(ctx)
            build_fixture(args.outdir, name, module, ctx.inputs, var.extra_files)
            size = os.path.getsize(os.path.join(args.outdir, name + ".pt"))
            n_out = len(npy_files(args.outdir, name, "out"))
            print(f"built      {name:44s} {human_size(size):>10s}  "
                  f"{len(ctx.inputs)} in, {n_out} out  {time.time() - t0:.2f}s", flush=True)
            built += 1
    n = write_manifest(args.outdir)
    print(f"done: {built} built, {skipped} up to date, manifest lists {n} fixtures, "
          f"{time.time() - t_start:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
