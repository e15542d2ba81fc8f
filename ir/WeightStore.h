//===- WeightStore.h - Named tensor bytes shared by a Context ---*- C++ -*-===//
//
// Weights are held by name so that IR refers to them (`blob<"data/0">`)
// without copying. An entry either owns its bytes (weights made by passes or
// read from a .irc file) or views bytes owned elsewhere, typically a
// memory-mapped model file kept alive by a shared owner.
//
//===----------------------------------------------------------------------===//
#ifndef IRC_IR_WEIGHTSTORE_H
#define IRC_IR_WEIGHTSTORE_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"
#include <memory>
#include <optional>

namespace irc {

class WeightStore {
public:
  /// Alignment of owned and mapped blobs, enough for any SIMD kernel.
  static constexpr size_t kAlignment = 64;

  /// Adds a blob viewing `data`, which `owner` keeps alive. No copy is made.
  void addExternal(llvm::StringRef name, llvm::ArrayRef<char> data,
                   std::shared_ptr<const void> owner);
  /// Adds a blob holding a copy of `data`, 64-byte aligned.
  void addCopy(llvm::StringRef name, llvm::ArrayRef<char> data);
  /// Memory-maps `size` bytes at `offset` of `path` read-only and adds them.
  llvm::Error addMappedFile(llvm::StringRef name, llvm::StringRef path,
                            uint64_t offset, uint64_t size);

  std::optional<llvm::ArrayRef<char>> lookup(llvm::StringRef name) const;
  /// What keeps blob `name`'s bytes alive (null if there is no such blob):
  /// holding it lets a runtime plan outlive the store without a copy.
  std::shared_ptr<const void> lookupOwner(llvm::StringRef name) const;
  bool contains(llvm::StringRef name) const { return blobs.count(name); }
  size_t size() const { return blobs.size(); }

private:
  struct Blob {
    llvm::ArrayRef<char> data;
    std::shared_ptr<const void> owner;
  };
  llvm::StringMap<Blob> blobs;
};

} // namespace irc

#endif // IRC_IR_WEIGHTSTORE_H
