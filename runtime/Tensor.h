//===- Tensor.h - Strided tensors over shared storage -----------*- C++ -*-===//
//
// A Tensor is a dtype, sizes and strides (in elements) over a shared
// Storage, as in PyTorch: view ops (transpose, select, slice, view, expand)
// share storage, so in-place ops on a view write into its base as TorchScript
// programs expect. Kernels that want dense data call contiguous(), which is a
// no-op on a contiguous tensor.
//
// Storage either owns its bytes (zero-initialised, 64-byte aligned) or views
// bytes someone else owns, such as weights memory-mapped from the model file;
// those are read-only, and writing them through mutableData() is an Error.
//
//===----------------------------------------------------------------------===//

#ifndef IRC_RUNTIME_TENSOR_H
#define IRC_RUNTIME_TENSOR_H

#include "runtime/DType.h"

#include <memory>
#include <string>
#include <vector>

namespace irc::rt {

using Shape = std::vector<int64_t>;

class Storage {
public:
  /// `nbytes` zeroed bytes, 64-byte aligned.
  explicit Storage(size_t nbytes);
  /// Views `data`, kept alive by `owner`; read-only.
  Storage(const void *data, size_t nbytes, std::shared_ptr<const void> owner);
  Storage(const Storage &) = delete;
  Storage &operator=(const Storage &) = delete;

  const char *data() const { return bytes; }
  char *mutableData();
  size_t size() const { return nbytes; }
  bool isReadOnly() const { return owner != nullptr; }

private:
  char *bytes;
  size_t nbytes;
  std::shared_ptr<const void> owner; // null when the storage owns `bytes`
  std::unique_ptr<char[], void (*)(char *)> owned;
};

class Tensor {
public:
  /// An undefined tensor (defined() is false).
  Tensor() = default;

  /// A new contiguous tensor of zeros. Throws Error on a negative size or
  /// one whose byte size overflows.
  static Tensor zeros(DType dtype, const Shape &sizes);
  /// A contiguous read-only tensor over `data`, which `owner` keeps alive.
  static Tensor wrap(DType dtype, const Shape &sizes, const void *data,
                     std::shared_ptr<const void> owner);
  /// A 0-d tensor holding `v` (converted to `dtype`).
  static Tensor scalar(DType dtype, double v);

  bool defined() const { return storage != nullptr; }
  DType dtype() const { return type; }
  const Shape &sizes() const { return shape; }
  const Shape &strides() const { return stride; }
  int64_t dim() const { return static_cast<int64_t>(shape.size()); }
  /// Size of dim `d`; negative `d` counts from the end. Throws Error when out
  /// of range.
  int64_t size(int64_t d) const;
  int64_t numel() const;
  /// Offset of element [0,...,0] into the storage, in elements.
  int64_t storageOffset() const { return offset; }
  const std::shared_ptr<Storage> &getStorage() const { return storage; }

  bool isContiguous() const;
  /// This tensor if contiguous, otherwise a contiguous copy.
  Tensor contiguous() const;
  /// A contiguous copy that shares nothing with this tensor.
  Tensor clone() const;
  /// A contiguous copy converted to `dtype` (this tensor when it already is
  /// contiguous and of that dtype, unless `copy`).
  Tensor to(DType dtype, bool copy = false) const;
  /// A view sharing storage. Throws Error if it would read outside the
  /// storage.
  Tensor asStrided(const Shape &sizes, const Shape &strides,
                   int64_t storageOffset) const;

  /// Pointer to element [0,...,0]. T must match the dtype (checked).
  template <typename T> const T *data() const {
    checkType(dtypeOf<T>());
    return reinterpret_cast<const T *>(storage->data()) + offset;
  }
  /// Writable pointer to element [0,...,0]; throws Error for a read-only
  /// (weight) storage.
  template <typename T> T *mutableData() {
    checkType(dtypeOf<T>());
    return reinterpret_cast<T *>(storage->mutableData()) + offset;
  }
  const void *rawData() const;
  void *rawMutableData();

  /// The single element of a one-element tensor, as double (Error otherwise).
  double item() const;
  /// The single element of a one-element integral or bool tensor.
  int64_t itemInt() const;

  /// Copies `src` into this tensor, broadcasting and converting dtypes
  /// (aten::copy_ semantics). Throws Error on shape mismatch.
  void copyFrom(const Tensor &src);

  /// The IR spelling of its type, "tensor<2x3xf32>", for messages.
  std::string describe() const;

private:
  void checkType(DType expected) const;

  std::shared_ptr<Storage> storage;
  int64_t offset = 0;
  Shape shape;
  Shape stride;
  DType type = DType::F32;
};

/// Contiguous strides of `sizes` (in elements).
Shape contiguousStrides(const Shape &sizes);
/// The product of `sizes`; throws Error if it overflows or a size is negative.
int64_t numelOf(const Shape &sizes);
/// "2x3x4" (or "scalar" for an empty shape).
std::string shapeToString(const Shape &sizes);
/// Normalises a possibly negative dim index against `rank` (Python-style);
/// throws Error naming `what` when out of range. `rank` 0 accepts -1 and 0.
int64_t wrapDim(int64_t d, int64_t rank, const char *what);
/// The broadcast shape of `a` and `b` (NumPy rules); throws Error if they
/// do not broadcast.
Shape broadcastShapes(const Shape &a, const Shape &b);
/// A view of `t` expanded to `sizes` (stride 0 on broadcast dims).
Tensor expandTo(const Tensor &t, const Shape &sizes);

/// Calls `f(srcIndex)` for every element of a tensor with `sizes` and
/// `strides`, in C order, where srcIndex is the element offset (relative to
/// element [0,...,0]). The workhorse for reading non-contiguous tensors.
template <typename F>
void forEachOffset(const Shape &sizes, const Shape &strides, F &&f) {
  int64_t rank = static_cast<int64_t>(sizes.size());
  for (int64_t s : sizes)
    if (s == 0)
      return;
  std::vector<int64_t> index(rank, 0);
  int64_t off = 0;
  while (true) {
    f(off);
    int64_t d = rank - 1;
    for (; d >= 0; --d) {
      off += strides[d];
      if (++index[d] < sizes[d])
        break;
      off -= strides[d] * sizes[d];
      index[d] = 0;
    }
    if (d < 0)
      return;
  }
}

} // namespace irc::rt

#endif // IRC_RUNTIME_TENSOR_H
