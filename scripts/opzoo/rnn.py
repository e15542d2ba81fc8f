# Op zoo: the fused recurrent ops aten::gru / aten::lstm (.input and .data).
#
# nn.GRU / nn.LSTM scripted inside a module call aten::gru.input /
# aten::lstm.input with the module's _flat_weights; the unbatched cases go
# through the modules' own unsqueeze/squeeze. The packed (.data) overloads
# are called directly with torch.gru / torch.lstm on (data, batch_sizes).
from typing import List, Optional, Tuple

import torch
import torch.nn as nn
from torch import Tensor
from make_op_fixtures import Case


class GRUWithH0(nn.Module):
    def __init__(self, **kw):
        super().__init__()
        self.rnn = nn.GRU(**kw)

    def forward(self, x: Tensor, h0: Tensor) -> Tuple[Tensor, Tensor]:
        return self.rnn(x, h0)


class GRUNoH0(nn.Module):
    def __init__(self, **kw):
        super().__init__()
        self.rnn = nn.GRU(**kw)

    def forward(self, x: Tensor) -> Tuple[Tensor, Tensor]:
        out, h = self.rnn(x)
        # Non-contiguous use of the (possibly batch_first, transposed) output.
        return out * 2.0, h


class LSTMWithHx(nn.Module):
    def __init__(self, **kw):
        super().__init__()
        self.rnn = nn.LSTM(**kw)

    def forward(self, x: Tensor, h0: Tensor, c0: Tensor) -> Tuple[Tensor, Tensor, Tensor]:
        out, (h, c) = self.rnn(x, (h0, c0))
        return out, h, c


class LSTMNoHx(nn.Module):
    def __init__(self, **kw):
        super().__init__()
        self.rnn = nn.LSTM(**kw)

    def forward(self, x: Tensor) -> Tuple[Tensor, Tensor, Tensor]:
        out, (h, c) = self.rnn(x)
        return out, h, c


class GRUTransposedInput(nn.Module):
    """A non-contiguous input: x is given batch-major and transposed inside."""
    def __init__(self):
        super().__init__()
        self.rnn = nn.GRU(3, 4, num_layers=2)

    def forward(self, x: Tensor) -> Tuple[Tensor, Tensor]:
        return self.rnn(x.transpose(0, 1))


class PackedGRU(nn.Module):
    """aten::gru.data on a PackedSequence's (data, batch_sizes)."""
    def __init__(self, bidirectional: bool):
        super().__init__()
        self.rnn = nn.GRU(3, 4, bidirectional=bidirectional)
        self.bidirectional = bidirectional

    def forward(self, data: Tensor, batch_sizes: Tensor, h0: Tensor) -> Tuple[Tensor, Tensor]:
        out = torch.gru(data, batch_sizes, h0, self.rnn._flat_weights, True, 1,
                        0.0, False, self.bidirectional)
        return out[0], out[1]


class PackedLSTM(nn.Module):
    """aten::lstm.data, two layers, bidirectional, no biases."""
    def __init__(self):
        super().__init__()
        self.rnn = nn.LSTM(3, 4, num_layers=2, bidirectional=True, bias=False)

    def forward(self, data: Tensor, batch_sizes: Tensor, h0: Tensor,
                c0: Tensor) -> Tuple[Tensor, Tensor, Tensor]:
        out = torch.lstm(data, batch_sizes, [h0, c0], self.rnn._flat_weights, False,
                         2, 0.0, False, True)
        return out[0], out[1], out[2]


class PackedLSTMProj(nn.Module):
    """aten::lstm.data with projections."""
    def __init__(self):
        super().__init__()
        self.rnn = nn.LSTM(3, 5, proj_size=2)

    def forward(self, data: Tensor, batch_sizes: Tensor, h0: Tensor,
                c0: Tensor) -> Tuple[Tensor, Tensor, Tensor]:
        out = torch.lstm(data, batch_sizes, [h0, c0], self.rnn._flat_weights, True,
                         1, 0.0, False, False)
        return out[0], out[1], out[2]


def r(*shape, dtype=torch.float32):
    return torch.randn(*shape, dtype=dtype)


# Packed input of 3 sequences with lengths 4, 2, 1: batch_sizes [3, 2, 1, 1].
BATCH_SIZES = torch.tensor([3, 2, 1, 1], dtype=torch.int64)

CASES = [
    Case("gru_h0", GRUWithH0(input_size=4, hidden_size=5), (r(6, 3, 4), r(1, 3, 5))),
    Case("gru_2layer_bidir_batch_first",
         GRUNoH0(input_size=4, hidden_size=5, num_layers=2, bidirectional=True,
                 batch_first=True), (r(3, 6, 4),)),
    Case("gru_nobias_unbatched", GRUWithH0(input_size=4, hidden_size=5, bias=False),
         (r(6, 4), r(1, 5))),
    Case("gru_unbatched_bidir_noh0",
         GRUNoH0(input_size=4, hidden_size=3, num_layers=2, bidirectional=True),
         (r(5, 4),)),
    Case("gru_f64", GRUWithH0(input_size=3, hidden_size=4, num_layers=2,
                              bidirectional=True).double(),
         (r(4, 2, 3, dtype=torch.float64), r(4, 2, 4, dtype=torch.float64))),
    Case("gru_transposed_input", GRUTransposedInput(), (r(2, 5, 3),)),
    Case("gru_dropout_eval", GRUNoH0(input_size=3, hidden_size=4, num_layers=2,
                                     dropout=0.5), (r(4, 2, 3),)),
    Case("lstm_hx", LSTMWithHx(input_size=4, hidden_size=5),
         (r(6, 3, 4), r(1, 3, 5), r(1, 3, 5))),
    Case("lstm_2layer_bidir", LSTMNoHx(input_size=4, hidden_size=5, num_layers=2,
                                       bidirectional=True), (r(5, 2, 4),)),
    Case("lstm_batch_first_nobias",
         LSTMWithHx(input_size=3, hidden_size=4, batch_first=True, bias=False),
         (r(2, 5, 3), r(1, 2, 4), r(1, 2, 4))),
    Case("lstm_proj_bidir", LSTMNoHx(input_size=4, hidden_size=6, proj_size=3,
                                     num_layers=2, bidirectional=True), (r(5, 2, 4),)),
    Case("lstm_unbatched", LSTMWithHx(input_size=4, hidden_size=5, num_layers=2),
         (r(6, 4), r(2, 5), r(2, 5))),
    Case("lstm_unbatched_noh0_batch_first",
         LSTMNoHx(input_size=4, hidden_size=3, batch_first=True, bidirectional=True),
         (r(6, 4),)),
    Case("lstm_f64", LSTMWithHx(input_size=3, hidden_size=4, proj_size=2).double(),
         (r(4, 2, 3, dtype=torch.float64), r(1, 2, 2, dtype=torch.float64),
          r(1, 2, 4, dtype=torch.float64))),
    Case("gru_packed", PackedGRU(False), (r(7, 3), BATCH_SIZES, r(1, 3, 4))),
    Case("gru_packed_bidir", PackedGRU(True), (r(7, 3), BATCH_SIZES, r(2, 3, 4))),
    Case("lstm_packed_bidir_nobias", PackedLSTM(),
         (r(7, 3), BATCH_SIZES, r(4, 3, 4), r(4, 3, 4))),
    Case("lstm_packed_proj", PackedLSTMProj(),
         (r(7, 3), BATCH_SIZES, r(1, 3, 2), r(1, 3, 5))),
]
