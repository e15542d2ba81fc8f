//===- Shape.cpp - Shape, view, copy and conversion kernels ---------------===//
//
// Reference kernels for the ops that move data without computing on it:
//  - views (view, reshape when viewable, flatten, transpose, t, permute,
//    expand/expand_as, squeeze, unsqueeze, select, slice, chunk, split,
//    split_with_sizes, unbind, detach, contiguous and to() when nothing
//    changes), which share storage with their input exactly as PyTorch's
//    do, so in-place ops on a view write into the base;
//  - copies (clone, cat, stack, flip, repeat, index_select, pad, copy_, to()
//    with a new dtype);
//  - tensor metadata and tensor-to-scalar conversions (size, dim, item,
//    Int/Float/Bool, prim.dtype/device/layout, prim.num_to_tensor).
// Data movement works for every dtype (dispatchAll or Tensor::copyFrom).
//
//===----------------------------------------------------------------------===//

#include "backends/reference/Promote.h"
#include "backends/reference/ReferenceKernels.h"
#include "backends/reference/ShapeUtils.h"

#include <cstring>
#include <limits>
#include <optional>

using namespace irc::rt;
using namespace irc::rt::ref::shape;

namespace {

std::string listToString(const Shape &s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i)
    out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

//===----------------------------------------------------------------------===//
// View helpers
//===----------------------------------------------------------------------===//

/// at::infer_size: `shape` with a -1 entry resolved against `numel`.
Shape inferSize(const Shape &shape, int64_t numel) {
  Shape res = shape;
  int64_t newsize = 1;
  std::optional<size_t> inferDim;
  for (size_t d = 0; d < shape.size(); ++d) {
    if (shape[d] == -1) {
      if (inferDim)
        throw Error("only one dimension can be inferred");
      inferDim = d;
    } else if (shape[d] >= 0) {
      // Saturate instead of overflowing; such a shape cannot match numel.
      if (shape[d] != 0 &&
          newsize > std::numeric_limits<int64_t>::max() / shape[d])
        throw Error("shape '" + listToString(shape) +
                    "' is invalid for input of size " + std::to_string(numel));
      newsize *= shape[d];
    } else {
      throw Error("invalid shape dimension " + std::to_string(shape[d]));
    }
  }
  if (numel == newsize || (inferDim && newsize > 0 && numel % newsize == 0)) {
    if (inferDim) {
      if (newsize == 0)
        throw Error("cannot reshape tensor of 0 elements into shape " +
                    listToString(shape) +
                    " because the unspecified dimension size -1 can be any "
                    "value and is ambiguous");
      res[*inferDim] = numel / newsize;
    }
    return res;
  }
  throw Error("shape '" + listToString(shape) +
              "' is invalid for input of size " + std::to_string(numel));
}

/// at::detail::computeStride: the strides that view `oldshape`/`oldstride`
/// as `newshape` without copying, or nullopt when some new dim would span
/// two non-mergeable old dims.
std::optional<Shape> computeStride(const Shape &oldshape,
                                   const Shape &oldstride,
                                   const Shape &newshape) {
  if (oldshape.empty())
    return Shape(newshape.size(), 1);
  int64_t numel = 1;
  for (int64_t s : oldshape)
    numel *= s;
  if (numel == 0 && oldshape == newshape)
    return oldstride;
  Shape newstride(newshape.size());
  if (numel == 0) {
    for (int64_t d = int64_t(newshape.size()) - 1; d >= 0; --d) {
      if (d == int64_t(newshape.size()) - 1)
        newstride[d] = 1;
      else
        newstride[d] = std::max<int64_t>(newshape[d + 1], 1) * newstride[d + 1];
    }
    return newstride;
  }
  int64_t viewD = int64_t(newshape.size()) - 1;
  int64_t chunkBaseStride = oldstride.back();
  int64_t tensorNumel = 1, viewNumel = 1;
  for (int64_t tensorD = int64_t(oldshape.size()) - 1; tensorD >= 0;
       --tensorD) {
    tensorNumel *= oldshape[tensorD];
    if (tensorD == 0 ||
        (oldshape[tensorD - 1] != 1 &&
         oldstride[tensorD - 1] != tensorNumel * chunkBaseStride)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || newshape[viewD] == 1)) {
        newstride[viewD] = viewNumel * chunkBaseStride;
        viewNumel *= newshape[viewD];
        --viewD;
      }
      if (viewNumel != tensorNumel)
        return std::nullopt;
      if (tensorD > 0) {
        chunkBaseStride = oldstride[tensorD - 1];
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  if (viewD != -1)
    return std::nullopt;
  return newstride;
}

Tensor viewAs(const Tensor &self, const Shape &requested) {
  Shape shape = inferSize(requested, self.numel());
  std::optional<Shape> strides =
      computeStride(self.sizes(), self.strides(), shape);
  if (!strides)
    throw Error("view size is not compatible with input tensor's size and "
                "stride (at least one dimension spans across two contiguous "
                "subspaces). Use .reshape(...) instead.");
  return self.asStrided(shape, *strides, self.storageOffset());
}

/// aten::reshape: a view when the strides allow one, else a contiguous copy.
Tensor reshapeAs(const Tensor &self, const Shape &requested) {
  Shape shape = inferSize(requested, self.numel());
  if (std::optional<Shape> strides =
          computeStride(self.sizes(), self.strides(), shape))
    return self.asStrided(shape, *strides, self.storageOffset());
  Tensor copy = self.clone();
  return copy.asStrided(shape, contiguousStrides(shape), 0);
}

/// self.narrow(dim, start, length) for a wrapped `dim`.
Tensor narrow(const Tensor &self, int64_t dim, int64_t start, int64_t length) {
  int64_t size = self.sizes()[dim];
  if (start < 0 || length < 0 || start > size - length)
    throw Error("start (" + std::to_string(start) + ") + length (" +
                std::to_string(length) + ") exceeds dimension size (" +
                std::to_string(size) + ").");
  Shape sizes = self.sizes();
  sizes[dim] = length;
  return self.asStrided(sizes, self.strides(),
                        self.storageOffset() + start * self.strides()[dim]);
}

/// aten::slice for a wrapped `dim`: Python slicing with clamping, step > 0.
Tensor sliceView(const Tensor &self, int64_t dim, std::optional<int64_t> start,
                 std::optional<int64_t> end, int64_t step) {
  if (step <= 0)
    throw Error("slice step must be positive");
  int64_t size = self.sizes()[dim];
  int64_t s = start.value_or(0);
  int64_t e = end.value_or(std::numeric_limits<int64_t>::max());
  if (s < 0)
    s += size;
  if (e < 0)
    e += size;
  if (s < 0)
    s = 0;
  else if (s >= size)
    s = size;
  if (e < s)
    e = s;
  else if (e >= size)
    e = size;
  Shape sizes = self.sizes(), strides = self.strides();
  int64_t offset = self.storageOffset() + s * strides[dim];
  sizes[dim] = (e - s + step - 1) / step;
  strides[dim] *= step;
  return self.asStrided(sizes, strides, offset);
}

Tensor transposeView(const Tensor &self, int64_t d0, int64_t d1) {
  int64_t rank = self.dim();
  d0 = wrapDim(d0, rank, "transpose");
  d1 = wrapDim(d1, rank, "transpose");
  if (rank == 0)
    return self.asStrided({}, {}, self.storageOffset());
  Shape sizes = self.sizes(), strides = self.strides();
  std::swap(sizes[d0], sizes[d1]);
  std::swap(strides[d0], strides[d1]);
  return self.asStrided(sizes, strides, self.storageOffset());
}

/// A tensor of `dtype` over the same bytes as `t`'s storage. Tensor has no
/// way to change the dtype of a view, so this wraps the storage's bytes the
/// way weights are wrapped: the result aliases the base (reads see later
/// writes to it) but is read-only.
Tensor reinterpretStorage(const Tensor &t, DType dtype) {
  const std::shared_ptr<Storage> &storage = t.getStorage();
  if (!storage)
    throw Error("use of an undefined tensor");
  int64_t capacity = int64_t(storage->size() / elementSize(dtype));
  return Tensor::wrap(dtype, {capacity}, storage->data(), storage);
}

//===----------------------------------------------------------------------===//
// View kernels
//===----------------------------------------------------------------------===//

void view(KernelContext &ctx) {
  ctx.setResult(0, viewAs(ctx.tensor(0), ctx.getIntList(1)));
}

void viewDtype(KernelContext &ctx) {
  const Tensor &self = ctx.tensor(0);
  DType dtype = fromScalarType(ctx.getInt(1));
  if (dtype == self.dtype()) {
    ctx.setResult(
        0, self.asStrided(self.sizes(), self.strides(), self.storageOffset()));
    return;
  }
  int64_t oldSize = int64_t(elementSize(self.dtype()));
  int64_t newSize = int64_t(elementSize(dtype));
  std::string what = std::string(" to view ") + dtypeName(self.dtype()) +
                     " as " + dtypeName(dtype) + " (different element sizes)";
  Shape sizes = self.sizes(), strides = self.strides();
  int64_t offset = self.storageOffset();
  if (oldSize != newSize) {
    if (self.dim() == 0)
      throw Error("self.dim() cannot be 0" + what);
    int64_t last = self.dim() - 1;
    if (strides[last] != 1)
      throw Error("self.stride(-1) must be 1" + what + ", but got " +
                  std::to_string(strides[last]));
    if (oldSize > newSize) {
      int64_t ratio = oldSize / newSize;
      for (int64_t d = 0; d < last; ++d)
        strides[d] *= ratio;
      sizes[last] *= ratio;
      offset *= ratio;
    } else {
      int64_t ratio = newSize / oldSize;
      if (sizes[last] % ratio != 0)
        throw Error("self.size(-1) must be divisible by " +
                    std::to_string(ratio) + what + ", but got " +
                    std::to_string(sizes[last]));
      if (offset % ratio != 0)
        throw Error("self.storage_offset() must be divisible by " +
                    std::to_string(ratio) + what + ", but got " +
                    std::to_string(offset));
      for (int64_t d = 0; d < last; ++d) {
        if (strides[d] % ratio != 0)
          throw Error("self.stride(" + std::to_string(d) +
                      ") must be divisible by " + std::to_string(ratio) + what +
                      ", but got " + std::to_string(strides[d]));
        strides[d] /= ratio;
      }
      sizes[last] /= ratio;
      offset /= ratio;
    }
  }
  ctx.setResult(
      0, reinterpretStorage(self, dtype).asStrided(sizes, strides, offset));
}

void reshape(KernelContext &ctx) {
  ctx.setResult(0, reshapeAs(ctx.tensor(0), ctx.getIntList(1)));
}

void flatten(KernelContext &ctx) {
  const Tensor &self = ctx.tensor(0);
  int64_t rank = self.dim();
  int64_t start = wrapDim(ctx.getInt(1), rank, "flatten");
  int64_t end = wrapDim(ctx.getInt(2), rank, "flatten");
  if (start > end)
    throw Error("flatten() has invalid args: start_dim cannot come after "
                "end_dim");
  if (rank == 0) {
    ctx.setResult(0, reshapeAs(self, {1}));
    return;
  }
  if (start == end) {
    ctx.setResult(0, self);
    return;
  }
  Shape shape(self.sizes().begin(), self.sizes().begin() + start);
  int64_t n = 1;
  for (int64_t d = start; d <= end; ++d)
    n *= self.sizes()[d];
  shape.push_back(n);
  shape.insert(shape.end(), self.sizes().begin() + end + 1, self.sizes().end());
  ctx.setResult(0, reshapeAs(self, shape));
}

void transpose(KernelContext &ctx) {
  ctx.setResult(0, transposeView(ctx.tensor(0), ctx.getInt(1), ctx.getInt(2)));
}

void t(KernelContext &ctx) {
  const Tensor &self = ctx.tensor(0);
  if (self.dim() > 2)
    throw Error("t() expects a tensor with <= 2 dimensions, but self is " +
                std::to_string(self.dim()) + "D");
  ctx.setResult(0, transposeView(self, 0, self.dim() < 2 ? 0 : 1));
}

void contiguous(KernelContext &ctx) {
  const Value &selfV = ctx.operand(0);
  const Tensor &self = selfV.toTensor();
  int64_t format = ctx.getInt(1);
  if (format == Preserve)
    throw Error("preserve memory format is unsupported by the contiguous "
                "operator");
  if (format < Contiguous || format > ChannelsLast3d)
    throw Error("unknown memory format " + std::to_string(format));
  if (isInMemoryFormat(self, format)) {
    ctx.setResult(0, selfV);
    return;
  }
  Tensor out = zerosLike(self, self.dtype(), format);
  out.copyFrom(self);
  ctx.setResult(0, out);
}

void chunk(KernelContext &ctx) {
  const Tensor &self = ctx.tensor(0);
  int64_t chunks = ctx.getInt(1);
  if (self.dim() == 0)
    throw Error("chunk expects at least a 1-dimensional tensor");
  if (chunks <= 0)
    throw Error("chunk expects `chunks` to be greater than 0, got: " +
                std::to_string(chunks));
  int64_t dim = wrapDim(ctx.getInt(2), self.dim(), "chunk");
  int64_t size = self.sizes()[dim];
  int64_t split = size / chunks + (size % chunks != 0);
  std::vector<Value> parts;
  if (split == 0) {
    // An empty dim still gives `chunks` (empty) chunks.
    for (int64_t i = 0; i < chunks; ++i)
      parts.emplace_back(narrow(self, dim, 0, 0));
  } else {
    int64_t n = std::max<int64_t>((size + split - 1) / split, 1);
    for (int64_t i = 0; i < n; ++i) {
      int64_t start = i * split;
      parts.emplace_back(
          narrow(self, dim, start, std::min(split, size - start)));
    }
  }
  ctx.setResult(0, Value::list(std::move(parts)));
}

void unsqueeze(KernelContext &ctx) {
  const Tensor &self = ctx.tensor(0);
  int64_t dim = wrapDim(ctx.getInt(1), self.dim() + 1, "unsqueeze");
  Shape sizes = self.sizes(), strides = self.strides();
  int64_t stride = dim >= self.dim() ? 1 : sizes[dim] * strides[dim];
  sizes.insert(sizes.begin() + dim, 1);
  strides.insert(strides.begin() + dim, stride);
  ctx.setResult(0, self.asStrided(sizes, strides, self.storageOffset()));
}

void squeeze(KernelContext &ctx) {
  const Tensor &self = ctx.tensor(0);
  Shape sizes, strides;
  for (int64_t d = 0; d < self.dim(); ++d)
    if (self.sizes()[d] != 1) {
      sizes.push_back(self.sizes()[d]);
      strides.push_back(self.strides()[d]);
    }
  ctx.setResult(0, self.asStrided(sizes, strides, self.storageOffset()));
}

void squeezeDim(KernelContext &ctx) {
  const Tensor &self = ctx.tensor(0);
  int64_t dim = wrapDim(ctx.getInt(1), self.dim(), "squeeze");
  Shape sizes = self.sizes(), strides = self.strides();
  if (self.dim() > 0 && sizes[dim] == 1) {
    sizes.erase(sizes.begin() + dim);
    strides.erase(strides.begin() + dim);
  }
  ctx.setResult(0, self.asStrided(sizes, strides, self.storageOffset()));
}

void select(KernelContext &ctx) {
  const Tensor &self = ctx.tensor(0);
  if (self.dim() == 0)
    throw Error("select() cannot be applied to a 0-dim tensor.");
  int64_t dim = wrapDim(ctx.getInt(1), self.dim(), "select");
  int64_t index = ctx.getInt(2);
  int64_t size = self.sizes()[dim];
  if (index < -size || index >= size)
    throw Error("select(): index " + std::to_string(index) +
                " out of range for tensor of size " +
                listToString(self.sizes()) + " at dimension " +
                std::to_string(dim));
  if (index < 0)
    index += size;
  Shape sizes = self.sizes(), strides = self.strides();
  int64_t offset = self.storageOffset() + index * strides[dim];
  sizes.erase(sizes.begin() + dim);
  strides.erase(strides.begin() + dim);
  ctx.setResult(0, self.asStrided(sizes, strides, offset));
}

std::optional<int64_t> optionalInt(const KernelContext &ctx, size_t i) {
  if (ctx.isNone(i))
    return std::nullopt;
  return ctx.getInt(i);
}

void slice(KernelContext &ctx) {
  const Tensor &self = ctx.tensor(0);
  if (self.dim() == 0)
    throw Error("slice() cannot be applied to a 0-dim tensor.");
  int64_t dim = wrapDim(ctx.getInt(1), self.dim(), "slice");
  ctx.setResult(0, sliceView(self, dim, optionalInt(ctx, 2),
                             optionalInt(ctx, 3), ctx.getInt(4)));
}

void detach(KernelContext &ctx) {
  const Tensor &self = ctx.tensor(0);
  ctx.setResult(
      0, self.asStrided(self.sizes(), self.strides(), self.storageOffset()));
}

//===----------------------------------------------------------------------===//
// Copies
//===----------------------------------------------------------------------===//

void cat(KernelContext &ctx) {
  std::vector<Tensor> tensors = ctx.operand(0).toTensorVector();
  if (tensors.empty())
    throw Error("torch.cat(): expected a non-empty list of Tensors");
  DType dtype = tensors[0].dtype();
  for (size_t i = 0; i < tensors.size(); ++i) {
    if (tensors[i].dim() == 0)
      throw Error("zero-dimensional tensor (at position " + std::to_string(i) +
                  ") cannot be concatenated");
    dtype = ref::promoteTypes(dtype, tensors[i].dtype());
  }
  // Legacy behaviour: 1-d tensors of size 0 are skipped whatever their rank
  // would have to be (they still take part in type promotion).
  auto skipped = [](const Tensor &t) {
    return t.dim() == 1 && t.sizes()[0] == 0;
  };
  const Tensor *ref = nullptr;
  for (const Tensor &t : tensors)
    if (!skipped(t)) {
      ref = &t;
      break;
    }
  if (!ref) {
    ctx.setResult(0, Tensor::zeros(dtype, {0}));
    return;
  }
  int64_t dim = wrapDim(ctx.getInt(1), ref->dim(), "cat");
  Shape outShape = ref->sizes();
  outShape[dim] = 0;
  for (size_t i = 0; i < tensors.size(); ++i) {
    const Tensor &t = tensors[i];
    if (skipped(t))
      continue;
    if (t.dim() != ref->dim())
      throw Error("Tensors must have same number of dimensions: got " +
                  std::to_string(ref->dim()) + " and " +
                  std::to_string(t.dim()));
    for (int64_t d = 0; d < t.dim(); ++d)
      if (d != dim && t.sizes()[d] != ref->sizes()[d])
        throw Error("Sizes of tensors must match except in dimension " +
                    std::to_string(dim) + ". Expected size " +
                    std::to_string(ref->sizes()[d]) + " but got size " +
                    std::to_string(t.sizes()[d]) + " for tensor number " +
                    std::to_string(i) + " in the list.");
    outShape[dim] += t.sizes()[dim];
  }
  Tensor out = Tensor::zeros(dtype, outShape);
  int64_t at = 0;
  for (const Tensor &t : tensors) {
    if (skipped(t))
      continue;
    narrow(out, dim, at, t.sizes()[dim]).copyFrom(t);
    at += t.sizes()[dim];
  }
  ctx.setResult(0, out);
}

void indexSelect(KernelContext &ctx) {
  const Tensor &self = ctx.tensor(0);
  const Tensor &index = ctx.tensor(2);
  if (index.dim() > 1)
    throw Error("index_select(): Index is supposed to be a vector");
  if (index.dtype() != DType::I64 && index.dtype() != DType::I32)
    throw Error("index_select(): Expected dtype int32 or int64 for index");
  int64_t dim = wrapDim(ctx.getInt(1), self.dim(), "index_select");
  std::vector<int64_t> idx;
  Tensor ic = index.contiguous();
  for (int64_t i = 0; i < ic.numel(); ++i)
    idx.push_back(ic.dtype() == DType::I64 ? ic.data<int64_t>()[i]
                                           : ic.data<int32_t>()[i]);
  int64_t size = self.dim() == 0 ? 1 : self.sizes()[dim];
  for (int64_t i : idx)
    if (i < 0 || i >= size)
      throw Error("index_select(): index " + std::to_string(i) +
                  " is out of range for dimension " + std::to_string(dim) +
                  " of size " + std::to_string(size));
  if (self.dim() == 0) {
    // A 0-d tensor is indexed as if it had one element; the result is 0-d.
    ctx.setResult(0, self.clone());
    return;
  }
  Shape outShape = self.sizes();
  outShape[dim] = int64_t(idx.size());
  Tensor out = Tensor::zeros(self.dtype(), outShape);
  for (size_t i = 0; i < idx.size(); ++i)
    narrow(out, dim, int64_t(i), 1).copyFrom(narrow(self, dim, idx[i], 1));
  ctx.setResult(0, out);
}

// --- pad ---

/// aten::constant_pad_nd: negative pads narrow the input first.
Tensor constantPad(const Tensor &self, const Shape &pad, const Value &value) {
  if (pad.size() % 2 != 0)
    throw Error("Padding length must be divisible by 2");
  int64_t rank = self.dim();
  int64_t nPad = int64_t(pad.size()) / 2;
  if (nPad > rank)
    throw Error("Padding length too large");
  int64_t lead = rank - nPad;
  Tensor in = self;
  bool allNonPositive = true;
  for (int64_t d = lead; d < rank; ++d) {
    int64_t before = pad[2 * (rank - d - 1)],
            after = pad[2 * (rank - d - 1) + 1];
    if (before < 0)
      in = narrow(in, d, -before, in.sizes()[d] + before);
    else if (before != 0)
      allNonPositive = false;
    if (after < 0)
      in = narrow(in, d, 0, in.sizes()[d] + after);
    else if (after != 0)
      allNonPositive = false;
  }
  if (allNonPositive)
    return in.clone();
  Shape outShape = self.sizes();
  for (int64_t d = lead; d < rank; ++d) {
    int64_t before = pad[2 * (rank - d - 1)],
            after = pad[2 * (rank - d - 1) + 1];
    int64_t n = self.sizes()[d] + before + after;
    if (n <= 0)
      throw Error("The input size " + std::to_string(self.sizes()[d]) +
                  ", plus negative padding " + std::to_string(before) +
                  " and " + std::to_string(after) +
                  " resulted in a negative output size, which is invalid. "
                  "Check dimension " +
                  std::to_string(d) + " of your input.");
    outShape[d] = n;
  }
  Tensor out = Tensor::zeros(self.dtype(), outShape);
  fillScalar(out, value.isNone() ? Value(0.0) : Value(value.toDouble()));
  Tensor window = out;
  for (int64_t d = lead; d < rank; ++d) {
    int64_t before = pad[2 * (rank - d - 1)],
            after = pad[2 * (rank - d - 1) + 1];
    if (before > 0)
      window = narrow(window, d, before, window.sizes()[d] - before);
    if (after > 0)
      window = narrow(window, d, 0, window.sizes()[d] - after);
  }
  window.copyFrom(in);
  return out;
}

/// Reflection and replication padding of the last pad.size()/2 dims
/// (ATen's reflection_pad{1,2,3}d / replication_pad{1,2,3}d): output index j
/// of a dim padded by (l, r) reads input index f(j) - l, where f reflects
/// (excluding the edge) or clamps into [l, size + l).
Tensor reflectOrReplicatePad(const Tensor &self, const Shape &pad,
                             bool reflect) {
  DType dt = self.dtype();
  if (dt != DType::F32 && dt != DType::F64 && dt != DType::C64 &&
      dt != DType::C128)
    throw Error(std::string(reflect ? "reflection" : "replication") +
                "_pad: dtype " + dtypeName(dt) + " is not supported");
  int64_t rank = self.dim();
  int64_t k = int64_t(pad.size()) / 2;
  for (int64_t d = 1; d < rank; ++d)
    if (self.sizes()[d] == 0)
      throw Error("Expected " + std::to_string(k + 1) + "D or " +
                  std::to_string(k + 2) +
                  "D (batch mode) tensor with possibly 0 batch size and "
                  "other non-zero dimensions for input, but got: " +
                  listToString(self.sizes()));
  Shape outShape = self.sizes();
  std::vector<int64_t> before(rank, 0);
  for (int64_t i = 0; i < k; ++i) {
    int64_t d = rank - 1 - i;
    int64_t l = pad[2 * i], r = pad[2 * i + 1], size = self.sizes()[d];
    if (reflect && (l >= size || r >= size))
      throw Error("Padding size should be less than the corresponding input "
                  "dimension, but got: padding (" +
                  std::to_string(l) + ", " + std::to_string(r) +
                  ") at dimension " + std::to_string(d) + " of input " +
                  listToString(self.sizes()));
    if (size + l + r < 1)
      throw Error("input (size " + std::to_string(size) + " at dimension " +
                  std::to_string(d) +
                  ") is too small. Calculated output size: " +
                  std::to_string(size + l + r));
    outShape[d] = size + l + r;
    before[d] = l;
  }
  Tensor out = Tensor::zeros(dt, outShape);
  // For each output element, its input element: walk output indices.
  std::vector<int64_t> index(rank, 0);
  int64_t n = out.numel();
  dispatchAll(dt, "pad", [&](auto tag) {
    using T = decltype(tag);
    const T *src = self.data<T>();
    T *dst = out.mutableData<T>();
    for (int64_t e = 0; e < n; ++e) {
      int64_t off = 0;
      for (int64_t d = 0; d < rank; ++d) {
        int64_t j = index[d], l = before[d], size = self.sizes()[d], i = j;
        if (d >= rank - k) {
          if (reflect)
            i = j < l ? 2 * l - j : (j < size + l ? j : (size + l - 1) * 2 - j);
          else
            i = j < l ? l : (j < size + l ? j : size + l - 1);
          i -= l;
        }
        off += i * self.strides()[d];
      }
      dst[e] = src[off];
      for (int64_t d = rank - 1; d >= 0; --d) {
        if (++index[d] < outShape[d])
          break;
        index[d] = 0;
      }
    }
  });
  return out;
}

/// at::_pad_circular, step by step as ATen does it (so negative pads crop
/// first and the wrap then reads the cropped tensor).
Tensor circularPad(const Tensor &self, const Shape &pad) {
  int64_t rank = self.dim();
  int64_t nd = rank - 2;
  if (int64_t(pad.size()) + 4 != rank * 2)
    throw Error("Invalid padding size, expected " + std::to_string(nd * 2) +
                " but got " + std::to_string(pad.size()));
  Shape outShape = self.sizes();
  for (int64_t i = 0; i < nd; ++i) {
    int64_t l = pad[2 * (nd - i - 1)], r = pad[2 * (nd - i - 1) + 1];
    int64_t size = self.sizes()[2 + i];
    outShape[2 + i] = size + l + r;
    if (l > size || r > size)
      throw Error("Padding value causes wrapping around more than once.");
    if (outShape[2 + i] < 0)
      throw Error("Negative padding value is resulting in an empty dimension");
  }
  Tensor out = Tensor::zeros(self.dtype(), outShape);
  Tensor outSlice = out, inSlice = self;
  for (int64_t i = 0; i < nd; ++i) {
    int64_t dim = nd - i + 1;
    int64_t l = pad[2 * i], r = pad[2 * i + 1];
    outSlice = sliceView(outSlice, dim, std::max<int64_t>(l, 0),
                         outShape[dim] - std::max<int64_t>(r, 0), 1);
    inSlice = sliceView(inSlice, dim, std::max<int64_t>(-l, 0),
                        self.sizes()[dim] - std::max<int64_t>(-r, 0), 1);
  }
  outSlice.copyFrom(inSlice);
  for (int64_t i = 0; i < nd; ++i) {
    int64_t dim = nd - i + 1;
    int64_t l = pad[2 * i], r = pad[2 * i + 1];
    if (l > 0) {
      Tensor to = sliceView(out, dim, 0, l, 1);
      Tensor from =
          sliceView(out, dim, outShape[dim] - l - std::max<int64_t>(r, 0),
                    outShape[dim] - std::max<int64_t>(r, 0), 1);
      to.copyFrom(from);
    }
    if (r > 0) {
      Tensor to = sliceView(out, dim, outShape[dim] - r, outShape[dim], 1);
      Tensor from = sliceView(out, dim, std::max<int64_t>(l, 0),
                              std::max<int64_t>(l, 0) + r, 1);
      to.copyFrom(from);
    }
  }
  return out;
}

void padKernel(KernelContext &ctx) {
  const Tensor &self = ctx.tensor(0);
  Shape pad = ctx.getIntList(1);
  const std::string &mode = ctx.getString(2);
  const Value &value = ctx.operand(3);
  if (mode != "constant" && mode != "reflect" && mode != "replicate" &&
      mode != "circular")
    throw Error("Unrecognised padding mode " + mode);
  if (mode == "constant") {
    ctx.setResult(0, constantPad(self, pad, value));
    return;
  }
  if (!value.isNone() && value.toDouble() != 0)
    throw Error("Padding mode \"" + mode + "\" doesn't take in value argument");
  int64_t rank = self.dim();
  size_t n = pad.size();
  bool ok = (n == 2 && (rank == 2 || rank == 3)) ||
            (n == 4 && (rank == 3 || rank == 4)) ||
            (n == 6 && (rank == 4 || rank == 5));
  if (!ok)
    throw Error("Only 2D, 3D, 4D, 5D padding with non-constant padding are "
                "supported for now");
  if (mode == "circular")
    ctx.setResult(0, circularPad(self, pad));
  else
    ctx.setResult(0, reflectOrReplicatePad(self, pad, mode == "reflect"));
}

// --- copy_ and to ---

/// `self.copy_(src)`: src broadcasts to self (never the other way), self
/// must not have elements that share memory.
void copyInto(Tensor &self, const Tensor &src) {
  Shape b = broadcastShapes(self.sizes(), src.sizes());
  if (b != self.sizes())
    throw Error("output with shape " + listToString(self.sizes()) +
                " doesn't match the broadcast shape " + listToString(b));
  for (int64_t d = 0; d < self.dim(); ++d)
    if (self.sizes()[d] > 1 && self.strides()[d] == 0)
      throw Error("unsupported operation: more than one element of the "
                  "written-to tensor refers to a single memory location. "
                  "Please clone() the tensor before performing the operation.");
  // ATen's assert_no_partial_overlap: dense tensors over the same storage
  // that overlap without being the same view are refused (full overlap is
  // a no-op copy; non-dense operands are too hard to tell and allowed).
  if (self.getStorage() == src.getStorage() && self.numel() != 0 &&
      src.numel() != 0 && isNonOverlappingAndDense(self) &&
      isNonOverlappingAndDense(src) && self.dtype() == src.dtype()) {
    int64_t aBegin = self.storageOffset(), aEnd = aBegin + self.numel();
    int64_t bBegin = src.storageOffset(), bEnd = bBegin + src.numel();
    bool full =
        aBegin == bBegin && aEnd == bEnd && self.strides() == src.strides();
    if (!full && aBegin < bEnd && bBegin < aEnd)
      throw Error("unsupported operation: some elements of the input tensor "
                  "and the written-to tensor refer to a single memory "
                  "location. Please clone() the tensor before performing the "
                  "operation.");
  }
  self.copyFrom(src);
}

void copyInPlace(KernelContext &ctx) {
  Tensor self = ctx.tensor(0);
  copyInto(self, ctx.tensor(1));
  ctx.setResult(0, ctx.operand(0));
}

/// aten::copy_.int / copy_.float: `self.copy_(tensor(other))` with other as a
/// 0-d int64 / float64 tensor, so the number converts as a tensor copy does
/// (no overflow check, unlike fill_).
void copyScalarInPlace(KernelContext &ctx) {
  Tensor self = ctx.tensor(0);
  const Value &v = ctx.operand(1);
  Tensor src;
  if (v.isDouble()) {
    src = Tensor::zeros(DType::F64, {});
    *src.mutableData<double>() = v.toDouble();
  } else {
    src = Tensor::zeros(DType::I64, {});
    *src.mutableData<int64_t>() = ctx.getInt(1);
  }
  copyInto(self, src);
  ctx.setResult(0, ctx.operand(0));
}

/// Tensor.to(): the input itself when dtype and memory format already match
/// and no copy is asked for; otherwise a new tensor (in the input's dense
/// layout for MemoryFormat::Preserve, as _to_copy does).
Value toImpl(const Value &selfV, std::optional<DType> dtype, bool copy,
             int64_t format) {
  const Tensor &self = selfV.toTensor();
  bool sameType = !dtype || *dtype == self.dtype();
  if (sameType && !copy && isInMemoryFormat(self, format))
    return selfV;
  Tensor out = zerosLike(self, dtype.value_or(self.dtype()), format);
  out.copyFrom(self);
  return out;
}

std::optional<DType> optionalScalarType(const KernelContext &ctx, size_t i) {
  if (ctx.isNone(i))
    return std::nullopt;
  return fromScalarType(ctx.getInt(i));
}

// to.device(self, Device device, ScalarType dtype, bool non_blocking,
//           bool copy, MemoryFormat? memory_format)
void toDevice(KernelContext &ctx) {
  checkDevice(ctx.operand(1));
  ctx.setResult(0,
                toImpl(ctx.operand(0), fromScalarType(ctx.getInt(2)),
                       ctx.getBool(4), optionalMemoryFormat(ctx.operand(5))));
}

// to.dtype(self, ScalarType dtype, bool non_blocking, bool copy,
//          MemoryFormat? memory_format)
void toDtype(KernelContext &ctx) {
  ctx.setResult(0,
                toImpl(ctx.operand(0), fromScalarType(ctx.getInt(1)),
                       ctx.getBool(3), optionalMemoryFormat(ctx.operand(4))));
}

// to.other(self, Tensor other, bool non_blocking, bool copy,
//          MemoryFormat? memory_format)
void toOther(KernelContext &ctx) {
  ctx.setResult(0, toImpl(ctx.operand(0), ctx.tensor(1).dtype(), ctx.getBool(3),
                          optionalMemoryFormat(ctx.operand(4))));
}

// to.dtype_layout(self, *, ScalarType? dtype, Layout? layout, Device? device,
//                 bool? pin_memory, bool non_blocking, bool copy,
//                 MemoryFormat? memory_format)
void toDtypeLayout(KernelContext &ctx) {
  checkLayout(ctx.operand(2));
  checkDevice(ctx.operand(3));
  checkPinMemory(ctx.operand(4));
  ctx.setResult(0,
                toImpl(ctx.operand(0), optionalScalarType(ctx, 1),
                       ctx.getBool(6), optionalMemoryFormat(ctx.operand(7))));
}

// to.prim_Device(self, Device? device, int? dtype, bool non_blocking,
//                bool copy)
void toPrimDevice(KernelContext &ctx) {
  checkDevice(ctx.operand(1));
  ctx.setResult(0, toImpl(ctx.operand(0), optionalScalarType(ctx, 2),
                          ctx.getBool(4), Preserve));
}

// to.prim_dtype(self, int? dtype, bool non_blocking, bool copy)
void toPrimDtype(KernelContext &ctx) {
  ctx.setResult(0, toImpl(ctx.operand(0), optionalScalarType(ctx, 1),
                          ctx.getBool(3), Preserve));
}

// to.prim_other(self, bool non_blocking, bool copy)
void toPrimOther(KernelContext &ctx) {
  ctx.setResult(0,
                toImpl(ctx.operand(0), std::nullopt, ctx.getBool(2), Preserve));
}

//===----------------------------------------------------------------------===//
// permute, expand, split, unbind (views) and clone, flip, repeat, stack
// (copies)
//===----------------------------------------------------------------------===//

/// The view of `t` at `index` along the (wrapped) dim `dim`, as select.
Tensor selectView(const Tensor &t, int64_t dim, int64_t index) {
  Shape sizes = t.sizes(), strides = t.strides();
  int64_t offset = t.storageOffset() + index * strides[dim];
  sizes.erase(sizes.begin() + dim);
  strides.erase(strides.begin() + dim);
  return t.asStrided(sizes, strides, offset);
}

/// clone(self, *, memory_format): a copy sharing nothing. With None or
/// preserve, a dense non-overlapping input keeps its strides (so x.t().clone()
/// is still transposed) and other inputs get a dense layout in the same dim
/// order, as ATen's clone does.
void clone(KernelContext &ctx) {
  const Tensor &self = ctx.tensor(0);
  int64_t format = optionalMemoryFormat(ctx.operand(1));
  Tensor out = zerosLike(self, self.dtype(), format);
  out.copyFrom(self);
  ctx.setResult(0, out);
}

void permute(KernelContext &ctx) {
  const Tensor &self = ctx.tensor(0);
  std::vector<int64_t> dims = ctx.getIntList(1);
  int64_t rank = self.dim();
  if (int64_t(dims.size()) != rank)
    throw Error("permute(): number of dimensions in the tensor input does "
                "not match the length of the desired ordering of dimensions "
                "i.e. input.dim() = " +
                std::to_string(rank) +
                " is not equal to len(dims) = " + std::to_string(dims.size()));
  Shape sizes(rank), strides(rank);
  std::vector<bool> seen(rank, false);
  for (int64_t i = 0; i < rank; ++i) {
    int64_t d = wrapDim(dims[i], rank, "permute");
    if (seen[d])
      throw Error("permute(): duplicate dims are not allowed.");
    seen[d] = true;
    sizes[i] = self.sizes()[d];
    strides[i] = self.strides()[d];
  }
  ctx.setResult(0, self.asStrided(sizes, strides, self.storageOffset()));
}

/// at::inferExpandGeometry: -1 keeps a size, a size-1 dim may grow (stride
/// 0), new leading dims are allowed (stride 0 unless their size is 1).
Tensor expandView(const Tensor &self, const Shape &target) {
  int64_t rank = self.dim(), n = int64_t(target.size());
  if (n < rank)
    throw Error("expand(" + self.describe() + ", size=" + listToString(target) +
                "): the number of sizes provided (" + std::to_string(n) +
                ") must be greater or equal to the number of dimensions in "
                "the tensor (" +
                std::to_string(rank) + ")");
  Shape sizes(n), strides(n);
  for (int64_t i = n - 1; i >= 0; --i) {
    int64_t dim = i - (n - rank);
    int64_t size = dim >= 0 ? self.sizes()[dim] : 1;
    int64_t stride = dim >= 0    ? self.strides()[dim]
                     : i + 1 < n ? sizes[i + 1] * strides[i + 1]
                                 : 1;
    int64_t want = target[i];
    if (want == -1) {
      if (dim < 0)
        throw Error("The expanded size of the tensor (-1) isn't allowed in a "
                    "leading, non-existing dimension " +
                    std::to_string(i));
      want = size;
    }
    if (size != want) {
      if (size != 1)
        throw Error("The expanded size of the tensor (" + std::to_string(want) +
                    ") must match the existing size (" + std::to_string(size) +
                    ") at non-singleton dimension " + std::to_string(i) +
                    ".  Target sizes: " + listToString(target) +
                    ".  Tensor sizes: " + listToString(self.sizes()));
      if (want < 0)
        throw Error("Trying to create tensor with negative dimension " +
                    std::to_string(want) + ": " + listToString(target));
      size = want;
      stride = 0;
    }
    sizes[i] = size;
    strides[i] = stride;
  }
  return self.asStrided(sizes, strides, self.storageOffset());
}

// expand(self, SymInt[] size, *, bool implicit): `implicit` changes nothing.
void expand(KernelContext &ctx) {
  ctx.setResult(0, expandView(ctx.tensor(0), ctx.getIntList(1)));
}

void expandAs(KernelContext &ctx) {
  ctx.setResult(0, expandView(ctx.tensor(0), ctx.tensor(1).sizes()));
}

/// Copies element by element (as bytes, so any dtype) from `src` into the
/// new contiguous tensor `out`: out element i (in C order, at `index`)
/// reads src at the offset `srcOffset(index)` returns, in elements.
template <typename F>
void gatherElements(const Tensor &src, Tensor &out, F &&srcOffset) {
  size_t esize = elementSize(src.dtype());
  const char *in = static_cast<const char *>(src.rawData());
  char *o = static_cast<char *>(out.rawMutableData());
  const Shape &sizes = out.sizes();
  size_t rank = sizes.size();
  int64_t n = out.numel();
  std::vector<int64_t> index(rank, 0);
  for (int64_t i = 0; i < n; ++i) {
    std::memcpy(o + size_t(i) * esize, in + srcOffset(index) * int64_t(esize),
                esize);
    for (size_t d = rank; d-- > 0;) {
      if (++index[d] < sizes[d])
        break;
      index[d] = 0;
    }
  }
}

/// flip(self, dims): a copy with the given dims reversed, laid out like
/// self (empty_like with preserve).
void flip(KernelContext &ctx) {
  const Tensor &self = ctx.tensor(0);
  std::vector<int64_t> dims = ctx.getIntList(1);
  int64_t rank = self.dim();
  std::vector<bool> flipped(size_t(std::max<int64_t>(rank, 1)), false);
  for (int64_t d : dims) {
    int64_t w = wrapDim(d, rank, "flip");
    if (flipped[w])
      throw Error("dim " + std::to_string(w) +
                  " appears multiple times in the list of dims");
    flipped[w] = true;
  }
  Tensor tmp = Tensor::zeros(self.dtype(), self.sizes());
  const Shape &sizes = self.sizes(), &strides = self.strides();
  gatherElements(self, tmp, [&](const std::vector<int64_t> &index) {
    int64_t off = 0;
    for (int64_t d = 0; d < rank; ++d)
      off += (flipped[d] ? sizes[d] - 1 - index[d] : index[d]) * strides[d];
    return off;
  });
  Tensor out = zerosLike(self, self.dtype(), Preserve);
  out.copyFrom(tmp);
  ctx.setResult(0, out);
}

/// channel_shuffle(self, groups): channel i * (C / groups) + j goes to
/// j * groups + i (self viewed as (N, groups, C / groups, ...), dims 1 and 2
/// swapped); a new contiguous tensor.
void channelShuffle(KernelContext &ctx) {
  const Tensor &self = ctx.tensor(0);
  int64_t groups = ctx.getInt(1);
  if (self.dim() <= 2)
    throw Error("channel_shuffle expects input to have at least 3 "
                "dimensions, but got input with sizes " +
                shapeToString(self.sizes()));
  if (groups <= 0)
    throw Error("Number of groups to divide channels in must be positive. "
                "Value of groups:" +
                std::to_string(groups));
  int64_t c = self.size(1);
  if (c % groups != 0)
    throw Error("Number of channels must be divisible by groups. Got " +
                std::to_string(c) + " channels and " + std::to_string(groups) +
                " groups.");
  Shape split = self.sizes();
  split[1] = c / groups;
  split.insert(split.begin() + 1, groups);
  Tensor shuffled =
      transposeView(viewAs(self.contiguous(), split), 1, 2).contiguous();
  ctx.setResult(0, viewAs(shuffled, self.sizes()));
}

/// repeat(self, repeats): self tiled `repeats` times, self's shape padded
/// with leading 1s to len(repeats) dims; a new contiguous tensor.
void repeat(KernelContext &ctx) {
  const Tensor &self = ctx.tensor(0);
  Shape repeats = ctx.getIntList(1);
  int64_t rank = self.dim(), n = int64_t(repeats.size());
  if (n < rank)
    throw Error("Number of dimensions of repeat dims can not be smaller than "
                "number of dimensions of tensor");
  Shape padded(n - rank, 1), target(n);
  padded.insert(padded.end(), self.sizes().begin(), self.sizes().end());
  for (int64_t i = 0; i < n; ++i)
    target[i] = padded[i] * repeats[i];
  for (int64_t i = 0; i < n; ++i)
    if (target[i] < 0)
      throw Error("Trying to create tensor with negative dimension " +
                  std::to_string(target[i]) + ": " + listToString(target));
  Tensor out = Tensor::zeros(self.dtype(), target);
  if (out.numel() == 0) {
    ctx.setResult(0, out);
    return;
  }
  const Shape &strides = self.strides();
  gatherElements(self, out, [&](const std::vector<int64_t> &index) {
    int64_t off = 0;
    for (int64_t d = 0; d < rank; ++d)
      off += (index[n - rank + d] % padded[n - rank + d]) * strides[d];
    return off;
  });
  ctx.setResult(0, out);
}

/// stack(tensors, dim): equal shapes, dim in [-(rank+1), rank]; the result
/// dtype promotes as cat's does.
void stack(KernelContext &ctx) {
  std::vector<Tensor> tensors = ctx.operand(0).toTensorVector();
  if (tensors.empty())
    throw Error("stack expects a non-empty TensorList");
  const Shape &shape = tensors[0].sizes();
  DType dtype = tensors[0].dtype();
  for (size_t i = 1; i < tensors.size(); ++i) {
    if (tensors[i].sizes() != shape)
      throw Error("stack expects each tensor to be equal size, but got " +
                  listToString(shape) + " at entry 0 and " +
                  listToString(tensors[i].sizes()) + " at entry " +
                  std::to_string(i));
    dtype = ref::promoteTypes(dtype, tensors[i].dtype());
  }
  int64_t rank = int64_t(shape.size());
  int64_t dim = wrapDim(ctx.getInt(1), rank + 1, "stack");
  Shape outShape = shape;
  outShape.insert(outShape.begin() + dim, int64_t(tensors.size()));
  Tensor out = Tensor::zeros(dtype, outShape);
  for (size_t i = 0; i < tensors.size(); ++i)
    selectView(out, dim, int64_t(i)).copyFrom(tensors[i]);
  ctx.setResult(0, out);
}

/// The dim operand of split/split_with_sizes, for a tensor with dims.
int64_t splitDim(const KernelContext &ctx, const Tensor &self, size_t i) {
  if (self.dim() == 0)
    throw Error("split expects at least a 1-dimensional tensor");
  return wrapDim(ctx.getInt(i), self.dim(), "split");
}

// split.Tensor(self, int split_size, int dim): views of split_size along
// dim, the last one shorter; at least one piece.
void splitBySize(KernelContext &ctx) {
  const Tensor &self = ctx.tensor(0);
  int64_t dim = splitDim(ctx, self, 2);
  int64_t splitSize = ctx.getInt(1);
  if (splitSize < 0)
    throw Error("split expects split_size be non-negative, but got "
                "split_size=" +
                std::to_string(splitSize));
  int64_t size = self.sizes()[dim];
  if (splitSize == 0 && size != 0)
    throw Error("split_size can only be 0 if dimension size is 0, but got "
                "dimension size of " +
                std::to_string(size));
  int64_t n = splitSize == 0
                  ? 1
                  : std::max<int64_t>((size + splitSize - 1) / splitSize, 1);
  std::vector<Value> parts;
  for (int64_t i = 0; i < n; ++i) {
    int64_t start = i * splitSize;
    parts.emplace_back(
        narrow(self, dim, start, std::min(splitSize, size - start)));
  }
  ctx.setResult(0, Value::list(std::move(parts)));
}

// split(self, int[] split_sizes, int dim), split.sizes and split_with_sizes:
// views of the given non-negative sizes, which must add up to the dim.
void splitWithSizes(KernelContext &ctx) {
  const Tensor &self = ctx.tensor(0);
  int64_t dim = splitDim(ctx, self, 2);
  Shape sizes = ctx.getIntList(1);
  int64_t total = 0;
  bool overflow = false;
  for (int64_t s : sizes) {
    if (s < 0)
      throw Error("split_with_sizes expects split_sizes have only "
                  "non-negative entries, but got split_sizes=" +
                  listToString(sizes));
    overflow |= s > std::numeric_limits<int64_t>::max() - total;
    if (!overflow)
      total += s;
  }
  int64_t size = self.sizes()[dim];
  if (overflow || total != size)
    throw Error("split_with_sizes expects split_sizes to sum exactly to " +
                std::to_string(size) + " (input tensor's size at dimension " +
                std::to_string(dim) +
                "), but got split_sizes=" + listToString(sizes));
  std::vector<Value> parts;
  int64_t start = 0;
  for (int64_t s : sizes) {
    parts.emplace_back(narrow(self, dim, start, s));
    start += s;
  }
  ctx.setResult(0, Value::list(std::move(parts)));
}

// unbind.int(self, int dim): the select views along dim.
void unbind(KernelContext &ctx) {
  const Tensor &self = ctx.tensor(0);
  if (self.dim() == 0)
    throw Error("Dimension specified as " + std::to_string(ctx.getInt(1)) +
                " but tensor has no dimensions");
  int64_t dim = wrapDim(ctx.getInt(1), self.dim(), "unbind");
  std::vector<Value> parts;
  for (int64_t i = 0; i < self.sizes()[dim]; ++i)
    parts.emplace_back(selectView(self, dim, i));
  ctx.setResult(0, Value::list(std::move(parts)));
}

//===----------------------------------------------------------------------===//
// Metadata and tensor-to-scalar conversions
//===----------------------------------------------------------------------===//

void size(KernelContext &ctx) {
  std::vector<Value> items;
  for (int64_t s : ctx.tensor(0).sizes())
    items.emplace_back(s);
  ctx.setResult(0, Value::list(std::move(items)));
}

void sizeInt(KernelContext &ctx) {
  ctx.setResult(0, ctx.tensor(0).size(ctx.getInt(1)));
}

void dim(KernelContext &ctx) { ctx.setResult(0, ctx.tensor(0).dim()); }

void lenTensor(KernelContext &ctx) {
  const Tensor &self = ctx.tensor(0);
  if (self.dim() == 0)
    throw Error("len() of a 0-d tensor");
  ctx.setResult(0, self.sizes()[0]);
}

void checkOneElement(const Tensor &t) {
  if (t.numel() != 1)
    throw Error("a Tensor with " + std::to_string(t.numel()) +
                " elements cannot be converted to Scalar");
}

/// Tensor.item(): an int for integer dtypes, a bool for bool, a float for
/// floating dtypes.
Value itemOf(const Tensor &t) {
  checkOneElement(t);
  DType dt = t.dtype();
  if (dt == DType::Bool)
    return Value(t.itemInt() != 0);
  if (isIntegral(dt, false))
    return Value(t.itemInt());
  if (isFloatingPoint(dt))
    return Value(t.item());
  throw Error(std::string("item(): a ") + dtypeName(dt) +
              " tensor cannot be converted to a Python number here");
}

void item(KernelContext &ctx) { ctx.setResult(0, itemOf(ctx.tensor(0))); }

void scalarImplicit(KernelContext &ctx) {
  const Tensor &self = ctx.tensor(0);
  if (self.dim() != 0)
    throw Error("Cannot input a tensor of dimension other than 0 as a scalar "
                "argument");
  ctx.setResult(0, itemOf(self));
}

void intTensor(KernelContext &ctx) {
  const Tensor &self = ctx.tensor(0);
  checkOneElement(self);
  if (isFloatingPoint(self.dtype()))
    ctx.setResult(0, checkedFromDouble<int64_t>(self.item()));
  else
    ctx.setResult(0, self.itemInt());
}

void floatTensor(KernelContext &ctx) {
  const Tensor &self = ctx.tensor(0);
  checkOneElement(self);
  ctx.setResult(0, self.item());
}

void boolTensor(KernelContext &ctx) {
  const Tensor &self = ctx.tensor(0);
  if (self.numel() == 0)
    throw Error("Boolean value of Tensor with no values is ambiguous");
  if (self.numel() > 1)
    throw Error("Boolean value of Tensor with more than one value is "
                "ambiguous");
  ctx.setResult(0, self.item() != 0);
}

// prim.num_to_tensor: int -> 0-d int64, float -> 0-d float64, bool -> 0-d
// bool (TorchScript's NumToTensor keeps the number's own precision).
void numToTensor(KernelContext &ctx) {
  const Value &v = ctx.operand(0);
  Tensor out;
  if (v.isInt()) {
    out = Tensor::zeros(DType::I64, {});
    *out.mutableData<int64_t>() = v.toInt();
  } else if (v.isBool()) {
    out = Tensor::zeros(DType::Bool, {});
    *out.mutableData<bool>() = v.toBool();
  } else if (v.isDouble()) {
    out = Tensor::zeros(DType::F64, {});
    *out.mutableData<double>() = v.toDouble();
  } else {
    throw Error(std::string("operand 0: expected a number, got ") +
                Value::kindName(v.kind()));
  }
  ctx.setResult(0, out);
}

void primDevice(KernelContext &ctx) {
  ctx.tensor(0);
  ctx.setResult(0, Device{"cpu"});
}

void primDType(KernelContext &ctx) {
  ctx.setResult(0, toScalarType(ctx.tensor(0).dtype()));
}

void primLayout(KernelContext &ctx) {
  ctx.tensor(0);
  ctx.setResult(0, int64_t(0)); // torch.strided
}

void primFalse(KernelContext &ctx) {
  ctx.tensor(0);
  ctx.setResult(0, false);
}

// aten.device(str) -> Device: torch.device("cpu"), torch.device("cuda:1").
void device(KernelContext &ctx) {
  const std::string &s = ctx.getString(0);
  static const char *const Types[] = {
      "cpu", "cuda", "mkldnn", "opengl", "opencl", "ideep",        "hip",
      "ve",  "fpga", "ort",    "xla",    "lazy",   "vulkan",       "metal",
      "xpu", "mps",  "meta",   "hpu",    "ipu",    "privateuseone"};
  size_t colon = s.find(':');
  std::string type = s.substr(0, colon);
  bool known = false;
  for (const char *t : Types)
    known = known || type == t;
  if (!known)
    throw Error("Expected one of cpu, cuda, ... device type at start of "
                "device string: " +
                s);
  if (colon != std::string::npos) {
    std::string index = s.substr(colon + 1);
    bool digits = !index.empty() && index.size() < 10 &&
                  std::all_of(index.begin(), index.end(),
                              [](char c) { return c >= '0' && c <= '9'; });
    if (!digits || (index.size() > 1 && index[0] == '0'))
      throw Error("Invalid device string: '" + s + "'");
  }
  ctx.setResult(0, Device{s});
}

} // namespace

static const KernelEntry Kernels[] = {
    {"aten.view", view},
    {"aten.view.dtype", viewDtype},
    {"aten.reshape", reshape},
    {"aten.flatten.using_ints", flatten},
    {"aten.transpose.int", transpose},
    {"aten.t", t},
    {"aten.contiguous", contiguous},
    {"aten.chunk", chunk},
    {"aten.clone", clone},
    {"aten.permute", permute},
    {"aten.expand", expand},
    {"aten.expand_as", expandAs},
    {"aten.flip", flip},
    {"aten.channel_shuffle", channelShuffle},
    {"aten.repeat", repeat},
    {"aten.stack", stack},
    {"aten.split.Tensor", splitBySize},
    {"aten.split.sizes", splitWithSizes},
    {"aten.split", splitWithSizes},
    {"aten.split_with_sizes", splitWithSizes},
    {"aten.unbind.int", unbind},
    {"aten.unsqueeze", unsqueeze},
    {"aten.squeeze", squeeze},
    {"aten.squeeze.dim", squeezeDim},
    {"aten.select.int", select},
    {"aten.slice.Tensor", slice},
    {"aten.detach", detach},
    {"aten.cat", cat},
    {"aten.index_select", indexSelect},
    {"aten.pad", padKernel},
    {"aten.copy_", copyInPlace},
    {"aten.copy_.Tensor", copyInPlace},
    {"aten.copy_.int", copyScalarInPlace},
    {"aten.copy_.float", copyScalarInPlace},
    {"aten.to.device", toDevice},
    {"aten.to.dtype", toDtype},
    {"aten.to.other", toOther},
    {"aten.to.dtype_layout", toDtypeLayout},
    {"aten.to.prim_Device", toPrimDevice},
    {"aten.to.prim_dtype", toPrimDtype},
    {"aten.to.prim_other", toPrimOther},
    {"aten.size", size},
    {"aten.size.int", sizeInt},
    {"aten.dim", dim},
    {"aten.len.Tensor", lenTensor},
    {"aten.item", item},
    {"aten.ScalarImplicit", scalarImplicit},
    {"aten.Int.Tensor", intTensor},
    {"aten.Float.Tensor", floatTensor},
    {"aten.Bool.Tensor", boolTensor},
    {"aten.device", device},
    {"prim.num_to_tensor", numToTensor},
    {"prim.device", primDevice},
    {"prim.dtype", primDType},
    {"prim.layout", primLayout},
    {"prim.is_cuda", primFalse},
    {"prim.requires_grad", primFalse},
};

void ref::registerShapeKernels(KernelRegistry &registry) {
  registry.add(Backend, Kernels);
}
