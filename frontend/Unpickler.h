//===- Unpickler.h - The restricted unpickler for TorchScript ---*- C++ -*-===//
//
// Reads the protocol-2 pickles of a TorchScript archive (data.pkl,
// constants.pkl) into a tree of PickleValues. It executes nothing: GLOBAL
// accepts only the names TorchScript writes (tensor and list rebuilders,
// restore_type_tag, torch.device, OrderedDict, storage classes, qschemes
// and `__torch__` classes), REDUCE applies only the rebuilders, and every
// count, size, stride and offset is checked before it is used. Containers
// are frozen once placed in another one, so the tree has no cycles and its
// depth is bounded.
//
//===----------------------------------------------------------------------===//
#ifndef IRC_FRONTEND_UNPICKLER_H
#define IRC_FRONTEND_UNPICKLER_H

#include "frontend/Archive.h"
#include "ir/Context.h"
#include "ir/Diagnostics.h"
#include "ir/Types.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace irc {

/// The bytes of one tensor storage record, in place in the archive.
struct PickledStorage {
  std::string record; ///< `data/0`, `constants/3`
  DType dtype;
  uint64_t numel;
  llvm::ArrayRef<char> bytes;
  /// Keeps `bytes` alive (the mapped archive or an aligned copy).
  std::shared_ptr<const void> owner;
};

struct PickleValue;
using PickleValuePtr = std::shared_ptr<PickleValue>;

/// A tensor as `_rebuild_tensor_v2` / `_rebuild_qtensor` describe it: a
/// strided view of a storage (views share their storage).
struct PickledTensor {
  std::shared_ptr<PickledStorage> storage;
  int64_t offset = 0;
  llvm::SmallVector<int64_t, 4> sizes, strides;
  bool requiresGrad = false;
  /// Quantization, for `_rebuild_qtensor` tensors.
  enum class QScheme { None, PerTensorAffine, PerChannelAffine };
  QScheme qscheme = QScheme::None;
  double scale = 0;
  int64_t zeroPoint = 0;
  PickleValuePtr scales, zeroPoints; ///< Per-channel tensors.
  int64_t axis = 0;

  int64_t getNumElements() const;
  bool isContiguous() const;
};

struct PickleValue {
  enum class Kind {
    None,
    Bool,
    Int,
    Float,
    String,
    Device, ///< `str` is the device string: `cpu`
    Tuple,
    List, ///< `str` is the type tag (`List[int]`) when the pickle gave one
    Dict, ///< `items` alternate keys and values; `str` is the type tag
    Tensor,
    /// A `__torch__` module, script class or TorchBind object: `str` is the
    /// qualified class name, `items` holds the BUILD state (a Dict of
    /// attributes, or the `__getstate__` tuple) once built.
    Object,
    /// A name from GLOBAL (`str`). Only storage classes and qschemes may be
    /// placed in a value (a tuple), for BINPERSID and _rebuild_qtensor.
    Global,
    /// A storage from a persistent id, for _rebuild_tensor_v2.
    Storage,
  };
  Kind kind;
  bool b = false;
  int64_t i = 0;
  double f = 0;
  std::string str;
  std::vector<PickleValuePtr> items;
  std::shared_ptr<PickledTensor> tensor;
  std::shared_ptr<PickledStorage> storage;
  /// Placed in another container: may no longer change.
  bool frozen = false;
  /// Longest chain of containers below this one.
  unsigned depth = 0;

  explicit PickleValue(Kind kind) : kind(kind) {}
  bool is(Kind k) const { return kind == k; }
  /// For an Object: its state, or null before BUILD.
  PickleValuePtr getState() const { return items.empty() ? nullptr : items[0]; }
  /// For a Dict or an Object with a Dict state: the value under `key`.
  PickleValuePtr lookup(llvm::StringRef key) const;
};

/// Prints `v` in a Python-like form for tools and tests.
void printPickleValue(const PickleValue &v, llvm::raw_ostream &os,
                      unsigned indent = 0);

/// Reads a storage record's bytes; reports its own error and returns
/// nullopt when it cannot.
using StorageLoader =
    std::function<std::optional<Archive::Data>(llvm::StringRef record)>;

/// Unpickles `bytes`, whose storages are the records under `storageDir`
/// (`data/` for data.pkl, `constants/` for constants.pkl). The context's
/// input limits bound nesting, the stack and memo, and each storage's bytes.
/// Errors are reported as `<where> at byte N: ...` at `loc` (the archive)
/// and give null.
PickleValuePtr unpickle(llvm::StringRef bytes, llvm::StringRef where,
                        Location loc, Context &ctx,
                        const StorageLoader &loadStorage,
                        llvm::StringRef storageDir = "data/");

} // namespace irc

#endif // IRC_FRONTEND_UNPICKLER_H
