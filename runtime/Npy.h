//===- Npy.h - NumPy .npy files for inputs and outputs ----------*- C++ -*-===//
//
// Reads and writes NumPy's `.npy` format (versions 1.0, 2.0 and 3.0) for the
// dtypes irc runs: C order, little-endian, no pickled objects. irc-run uses it
// for model inputs and outputs. Plain C++: no LLVM, so the run side can use it.
//
//===----------------------------------------------------------------------===//

#ifndef IRC_RUNTIME_NPY_H
#define IRC_RUNTIME_NPY_H

#include "ir/InputLimits.h"
#include "runtime/Tensor.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace irc::rt {

/// The element types a `.npy` file may hold for irc.
enum class NpyDType { F32, F64, F16, I64, I32, I16, I8, U8, Bool, C64, C128 };

/// An array read from or written to a `.npy` file.
struct NpyArray {
  NpyDType dtype = NpyDType::F32;
  /// Empty for a scalar; dims may be 0.
  std::vector<int64_t> shape;
  /// C-order, little-endian, numel * elementSize(dtype) bytes.
  std::vector<char> data;

  /// The product of the dims (1 for a scalar). Assumes a valid shape.
  int64_t numel() const;
};

/// Bytes per element: 4 for F32, 1 for Bool, ...
size_t elementSize(NpyDType dtype);

/// NumPy's name for the dtype: "float32", "int64", "bool", ...
const char *dtypeName(NpyDType dtype);

/// NumPy's descr string for the dtype as NumPy writes it: "<f4", "|u1", ...
const char *dtypeDescr(NpyDType dtype);

/// Reads `path`. On failure returns false and sets `error` to one sentence
/// that names the file and what is wrong; `out` is then unspecified. Arrays
/// over `limits.maxTensorBytes` are refused (and not read).
bool readNpy(const std::string &path, NpyArray &out, std::string &error,
             const InputLimits &limits = {});

/// Like readNpy, from the `size` bytes at `data`; `name` stands for the file
/// in messages.
bool parseNpy(const char *data, size_t size, const std::string &name,
              NpyArray &out, std::string &error,
              const InputLimits &limits = {});

/// Serialises `a` as NumPy does (version 1.0 unless the header needs more,
/// data aligned to 64 bytes). Returns false and sets `error` when the data
/// size does not match the shape or a dim is negative.
bool serializeNpy(const NpyArray &a, const std::string &name,
                  std::vector<char> &out, std::string &error);

/// Writes `a` to `path`; on failure returns false and sets `error`.
bool writeNpy(const std::string &path, const NpyArray &a, std::string &error);

/// The runtime dtype of a `.npy` dtype, and back (nullopt for dtypes the
/// other side lacks: bfloat16, quantized).
std::optional<DType> fromNpyDType(NpyDType dtype);
std::optional<NpyDType> toNpyDType(DType dtype);

/// A new tensor holding `a`'s elements.
Tensor tensorFromNpy(const NpyArray &a);

} // namespace irc::rt

#endif // IRC_RUNTIME_NPY_H
