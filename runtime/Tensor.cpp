//===- Tensor.cpp - Strided tensors over shared storage -------------------===//

#include "runtime/Tensor.h"

#include <cstdlib>
#include <limits>

using namespace irc::rt;

namespace {
constexpr size_t Alignment = 64;
void freeAligned(char *p) { std::free(p); }
void noFree(char *) {}
} // namespace

Storage::Storage(size_t nbytes) : nbytes(nbytes), owned(nullptr, noFree) {
  size_t rounded = (nbytes + Alignment - 1) / Alignment * Alignment;
  if (rounded == 0)
    rounded = Alignment;
  bytes = static_cast<char *>(std::aligned_alloc(Alignment, rounded));
  if (!bytes)
    throw Error("out of memory allocating " + std::to_string(nbytes) +
                " bytes");
  std::memset(bytes, 0, rounded);
  owned = std::unique_ptr<char[], void (*)(char *)>(bytes, freeAligned);
}

Storage::Storage(const void *data, size_t nbytes,
                 std::shared_ptr<const void> owner)
    : bytes(const_cast<char *>(static_cast<const char *>(data))),
      nbytes(nbytes), owner(std::move(owner)), owned(nullptr, noFree) {
  if (!this->owner)
    this->owner = std::make_shared<int>(0);
}

char *Storage::mutableData() {
  if (isReadOnly())
    throw Error("cannot write in place to a constant weight tensor; irc keeps "
                "weights read-only");
  return bytes;
}

Shape irc::rt::contiguousStrides(const Shape &sizes) {
  Shape strides(sizes.size());
  int64_t s = 1;
  for (size_t i = sizes.size(); i-- > 0;) {
    strides[i] = s;
    s *= std::max<int64_t>(sizes[i], 1);
  }
  return strides;
}

int64_t irc::rt::numelOf(const Shape &sizes) {
  int64_t n = 1;
  for (int64_t s : sizes) {
    if (s < 0)
      throw Error("negative size " + std::to_string(s) + " in shape " +
                  shapeToString(sizes));
    if (s != 0 && n > std::numeric_limits<int64_t>::max() / s)
      throw Error("shape " + shapeToString(sizes) + " has too many elements");
    n *= s;
  }
  return n;
}

std::string irc::rt::shapeToString(const Shape &sizes) {
  if (sizes.empty())
    return "scalar";
  std::string s;
  for (size_t i = 0; i < sizes.size(); ++i) {
    if (i)
      s += 'x';
    s += std::to_string(sizes[i]);
  }
  return s;
}

int64_t irc::rt::wrapDim(int64_t d, int64_t rank, const char *what) {
  int64_t r = std::max<int64_t>(rank, 1);
  if (d < -r || d >= r)
    throw Error(std::string(what) + ": dimension " + std::to_string(d) +
                " is out of range for a tensor of rank " +
                std::to_string(rank));
  return d < 0 ? d + r : d;
}

Shape irc::rt::broadcastShapes(const Shape &a, const Shape &b) {
  size_t rank = std::max(a.size(), b.size());
  Shape out(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1)
      throw Error("shapes " + shapeToString(a) + " and " + shapeToString(b) +
                  " do not broadcast");
    out[i] = da == 1 ? db : da;
  }
  return out;
}

Tensor irc::rt::expandTo(const Tensor &t, const Shape &sizes) {
  size_t rank = sizes.size();
  if (t.sizes().size() > rank)
    throw Error("cannot expand " + shapeToString(t.sizes()) + " to " +
                shapeToString(sizes));
  Shape strides(rank, 0);
  size_t lead = rank - t.sizes().size();
  for (size_t i = 0; i < t.sizes().size(); ++i) {
    int64_t s = t.sizes()[i];
    if (s == sizes[lead + i])
      strides[lead + i] = t.strides()[i];
    else if (s != 1)
      throw Error("cannot expand " + shapeToString(t.sizes()) + " to " +
                  shapeToString(sizes));
  }
  return t.asStrided(sizes, strides, t.storageOffset());
}

Tensor Tensor::zeros(DType dtype, const Shape &sizes) {
  int64_t n = numelOf(sizes);
  size_t es = elementSize(dtype);
  if (n > int64_t(std::numeric_limits<int64_t>::max() / 2 / es))
    throw Error("tensor of shape " + shapeToString(sizes) + " is too large");
  Tensor t;
  t.storage = std::make_shared<Storage>(size_t(n) * es);
  t.shape = sizes;
  t.stride = contiguousStrides(sizes);
  t.type = dtype;
  return t;
}

Tensor Tensor::wrap(DType dtype, const Shape &sizes, const void *data,
                    std::shared_ptr<const void> owner) {
  Tensor t;
  t.storage = std::make_shared<Storage>(
      data, size_t(numelOf(sizes)) * elementSize(dtype), std::move(owner));
  t.shape = sizes;
  t.stride = contiguousStrides(sizes);
  t.type = dtype;
  return t;
}

Tensor Tensor::scalar(DType dtype, double v) {
  Tensor t = zeros(dtype, {});
  dispatchAll(dtype, "scalar", [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_same_v<T, std::complex<float>> ||
                  std::is_same_v<T, std::complex<double>>)
      *t.mutableData<T>() = T(typename T::value_type(v));
    else
      *t.mutableData<T>() = convert<T>(v);
  });
  return t;
}

int64_t Tensor::size(int64_t d) const {
  return shape[wrapDim(d, dim(), "size")];
}

int64_t Tensor::numel() const {
  int64_t n = 1;
  for (int64_t s : shape)
    n *= s;
  return n;
}

bool Tensor::isContiguous() const {
  int64_t expected = 1;
  for (size_t i = shape.size(); i-- > 0;) {
    if (shape[i] == 1)
      continue;
    if (shape[i] == 0)
      return true;
    if (stride[i] != expected)
      return false;
    expected *= shape[i];
  }
  return true;
}

Tensor Tensor::contiguous() const {
  if (isContiguous())
    return *this;
  return clone();
}

Tensor Tensor::clone() const {
  Tensor out = zeros(type, shape);
  size_t es = elementSize(type);
  const char *src = static_cast<const char *>(rawData());
  char *dst = static_cast<char *>(out.rawMutableData());
  if (isContiguous()) {
    std::memcpy(dst, src, size_t(numel()) * es);
    return out;
  }
  forEachOffset(shape, stride, [&](int64_t off) {
    std::memcpy(dst, src + off * int64_t(es), es);
    dst += es;
  });
  return out;
}

Tensor Tensor::to(DType dtype, bool copy) const {
  if (dtype == type)
    return copy ? clone() : contiguous();
  Tensor out = zeros(dtype, shape);
  out.copyFrom(*this);
  return out;
}

Tensor Tensor::asStrided(const Shape &sizes, const Shape &strides,
                         int64_t storageOffset) const {
  if (sizes.size() != strides.size())
    throw Error("view has " + std::to_string(sizes.size()) + " sizes but " +
                std::to_string(strides.size()) + " strides");
  // The lowest and highest element offsets the view can reach must lie in
  // the storage.
  int64_t lo = storageOffset, hi = storageOffset;
  bool empty = false;
  for (size_t i = 0; i < sizes.size(); ++i) {
    if (sizes[i] < 0)
      throw Error("view has a negative size");
    int64_t reach;
    if (sizes[i] == 0)
      empty = true;
    else if (__builtin_mul_overflow(strides[i], sizes[i] - 1, &reach) ||
             __builtin_add_overflow(strides[i] >= 0 ? hi : lo, reach,
                                    strides[i] >= 0 ? &hi : &lo))
      throw Error("view " + shapeToString(sizes) + " has strides that "
                  "overflow");
  }
  int64_t capacity = int64_t(storage->size() / elementSize(type));
  if (!empty && (lo < 0 || hi >= capacity))
    throw Error("view " + shapeToString(sizes) +
                " reaches outside its storage of " + std::to_string(capacity) +
                " elements");
  Tensor t = *this;
  t.shape = sizes;
  t.stride = strides;
  t.offset = storageOffset;
  return t;
}

const void *Tensor::rawData() const {
  return storage->data() + offset * int64_t(elementSize(type));
}

void *Tensor::rawMutableData() {
  return storage->mutableData() + offset * int64_t(elementSize(type));
}

void Tensor::checkType(DType expected) const {
  if (!storage)
    throw Error("use of an undefined tensor");
  bool same = expected == type ||
              // quantized codes are read as their integer type
              (expected == DType::I8 && type == DType::QI8) ||
              (expected == DType::U8 && type == DType::QU8) ||
              (expected == DType::I32 && type == DType::QI32);
  if (!same)
    throw Error(std::string("expected a ") + dtypeName(expected) +
                " tensor, got " + dtypeName(type));
}

double Tensor::item() const {
  if (numel() != 1)
    throw Error("a tensor with " + std::to_string(numel()) +
                " elements cannot be converted to a scalar");
  return dispatch(type, "item", [&](auto tag) {
    using T = decltype(tag);
    return convert<double>(*data<T>());
  });
}

int64_t Tensor::itemInt() const {
  if (numel() != 1)
    throw Error("a tensor with " + std::to_string(numel()) +
                " elements cannot be converted to a scalar");
  return dispatch(type, "item", [&](auto tag) {
    using T = decltype(tag);
    return convert<int64_t>(*data<T>());
  });
}

void Tensor::copyFrom(const Tensor &src) {
  Tensor from = expandTo(src, shape);
  // Copy through a temporary when the source overlaps this tensor's storage.
  if (from.storage == storage)
    from = from.clone();
  dispatchAll(type, "copy_", [&](auto dstTag) {
    using D = decltype(dstTag);
    D *dst = mutableData<D>();
    std::vector<int64_t> dstOffsets;
    dstOffsets.reserve(size_t(numel()));
    forEachOffset(shape, stride, [&](int64_t o) { dstOffsets.push_back(o); });
    dispatchAll(from.type, "copy_", [&](auto srcTag) {
      using S = decltype(srcTag);
      const S *s = from.data<S>();
      size_t k = 0;
      forEachOffset(from.shape, from.stride, [&](int64_t o) {
        if constexpr (std::is_same_v<D, S>)
          dst[dstOffsets[k++]] = s[o];
        else if constexpr (std::is_same_v<S, std::complex<float>> ||
                           std::is_same_v<S, std::complex<double>>) {
          if constexpr (std::is_same_v<D, std::complex<float>> ||
                        std::is_same_v<D, std::complex<double>>)
            dst[dstOffsets[k++]] = D(s[o]);
          else
            dst[dstOffsets[k++]] = convert<D>(s[o].real());
        } else if constexpr (std::is_same_v<D, std::complex<float>> ||
                             std::is_same_v<D, std::complex<double>>)
          dst[dstOffsets[k++]] =
              D(convert<typename D::value_type>(s[o]));
        else
          dst[dstOffsets[k++]] = convert<D>(s[o]);
      });
    });
  });
}

std::string Tensor::describe() const {
  if (!defined())
    return "undefined tensor";
  return std::string("tensor<") +
         (shape.empty() ? std::string() : shapeToString(shape) + "x") +
         dtypeSpelling(type) + ">";
}
