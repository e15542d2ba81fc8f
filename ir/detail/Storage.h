//===- Storage.h - Uniqued storage of types, attributes, locations -*- C++ -*-//
//
// Internal to ir/. Each storage kind is a FoldingSet node; one struct per
// family holds the union of the fields its kinds use.
//
//===----------------------------------------------------------------------===//
#ifndef IRC_IR_DETAIL_STORAGE_H
#define IRC_IR_DETAIL_STORAGE_H

#include "ir/Attributes.h"
#include "ir/Context.h"
#include "ir/Location.h"
#include "ir/Operation.h"
#include "ir/Types.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/FoldingSet.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Allocator.h"
#include "llvm/Support/MathExtras.h"
#include <cstdlib>
#include <sys/mman.h>
#include <type_traits>

namespace irc {

struct TypeStorage : llvm::FoldingSetNode {
  Context *ctx;
  Type::Kind kind;
  DType dtype = DType::Unknown;
  bool ranked = false;
  llvm::ArrayRef<int64_t> shape;
  llvm::ArrayRef<Type> types; // tuple members; function inputs + results
  unsigned numInputs = 0;
  Type element;
  llvm::StringRef name;

  void Profile(llvm::FoldingSetNodeID &id) const;
};

struct AttributeStorage : llvm::FoldingSetNode {
  Context *ctx;
  Attribute::Kind kind;
  int64_t intValue = 0; // Int, Bool; Blob: offset; Object: 1 if a state
  double floatValue = 0;
  llvm::StringRef str;            // String, SymbolRef, Blob name, Object class
  Type type;                      // Type, Dense, Blob
  llvm::ArrayRef<Attribute> list; // List, Tuple; Object: state
  llvm::ArrayRef<char> data;      // Dense
  bool hasData = false;           // Dense: false when elided
  /// Dict entries, in order.
  llvm::ArrayRef<std::pair<Attribute, Attribute>> entries;
  /// Object fields, in order, with interned names.
  llvm::ArrayRef<NamedAttribute> fields;

  void Profile(llvm::FoldingSetNodeID &id) const;
};

struct LocationStorage : llvm::FoldingSetNode {
  Location::Kind kind;
  llvm::StringRef file;
  unsigned line = 0, col = 0;
  llvm::ArrayRef<Location> fused;

  void Profile(llvm::FoldingSetNodeID &id) const;
};

/// Memory for operations. Ops are carved from slabs in creation order, so a
/// block's ops lie mostly in address order and a walk over a large function
/// can stream through memory (OpStream) instead of missing the cache at
/// every op (the 100,000-op case of bench/IRBench.cpp). Slabs double from
/// 4 KB, and those of 2 MB and more are 2 MB-aligned and offered to the
/// kernel for transparent huge pages: a walk over 20 MB of ops then misses
/// the TLB once per 2 MB, not once per 4 KB page. A freed op's memory goes on
/// a free list for its size and is reused by the next op of that size; under
/// ASan it is poisoned until then.
class OpAllocator {
public:
  void *allocate(size_t size) {
    llvm::SmallVector<void *, 0> &free = freeLists[size];
    if (free.empty())
      return slabs.Allocate(size, alignof(Operation));
    void *mem = free.pop_back_val();
    __asan_unpoison_memory_region(mem, size);
    return mem;
  }
  void deallocate(void *mem, size_t size) {
    __asan_poison_memory_region(mem, size);
    freeLists[size].push_back(mem);
  }

private:
  class SlabSource : public llvm::AllocatorBase<SlabSource> {
  public:
    static constexpr size_t kHugePage = size_t(2) << 20;
    void *Allocate(size_t size, size_t align) {
      if (size < kHugePage)
        return llvm::allocate_buffer(size, align);
      size = llvm::alignTo(size, kHugePage); // as aligned_alloc requires
      void *mem = std::aligned_alloc(kHugePage, size);
      if (!mem)
        llvm::report_bad_alloc_error("out of memory for operations");
#ifdef MADV_HUGEPAGE
      madvise(mem, size, MADV_HUGEPAGE); // a hint: failure is harmless
#endif
      return mem;
    }
    void Deallocate(const void *mem, size_t size, size_t align) {
      if (size < kHugePage)
        llvm::deallocate_buffer(const_cast<void *>(mem), size, align);
      else
        std::free(const_cast<void *>(mem));
    }
    using llvm::AllocatorBase<SlabSource>::Allocate;
    using llvm::AllocatorBase<SlabSource>::Deallocate;
  };

  llvm::BumpPtrAllocatorImpl<SlabSource, /*SlabSize=*/4096,
                             /*SizeThreshold=*/4096, /*GrowthDelay=*/1>
      slabs;
  llvm::DenseMap<size_t, llvm::SmallVector<void *, 0>> freeLists;
};

struct Context::Impl {
  llvm::BumpPtrAllocator allocator;
  /// Attribute nodes, apart from the locations that every op adds to
  /// `allocator`: the constants a walk reads (verify, folding, printing) then
  /// lie together in the order they were made, not one per kilobyte.
  llvm::BumpPtrAllocator attrAllocator;
  OpAllocator ops;
  llvm::FoldingSet<TypeStorage> types;
  /// i64, f64, bool, ... by kind: the parser asks for them for every op.
  const TypeStorage *simpleTypes[unsigned(Type::Kind::Function) + 1] = {};
  llvm::FoldingSet<AttributeStorage> attributes;
  /// Ints hash to themselves, so that nearby values (most of a function's
  /// constants) share the table's cache lines. That puts in one bucket the
  /// same keys as DenseMap's default hash (x * 37: 37 is odd), no more.
  struct IntKeyInfo : llvm::DenseMapInfo<int64_t> {
    static unsigned getHashValue(int64_t v) { return unsigned(v); }
  };
  /// Int attributes by value: one per int constant, looked up without
  /// reading FoldingSet nodes.
  llvm::DenseMap<int64_t, const AttributeStorage *, IntKeyInfo> intAttributes;
  llvm::FoldingSet<LocationStorage> locations;
  llvm::StringMap<char, llvm::BumpPtrAllocator &> strings{allocator};
  llvm::StringMap<const OpInfo *> opsByName;
  /// Name records: registered ops by OpId, others by name.
  std::vector<OperationName> registeredNames;
  llvm::StringMap<OperationName> unregisteredNames;
  DiagnosticEngine diagEngine;
  WeightStore weightStore;

  template <typename T> llvm::ArrayRef<T> copy(llvm::ArrayRef<T> a) {
    if (a.empty())
      return {};
    T *mem = allocator.Allocate<T>(a.size());
    std::uninitialized_copy(a.begin(), a.end(), mem);
    return {mem, a.size()};
  }
  llvm::StringRef copy(llvm::StringRef s) {
    return strings.insert({s, 0}).first->getKey();
  }
  /// Returns the uniqued node equal to `key`, creating it with `finish`
  /// (which copies the key's borrowed arrays into the allocator).
  template <typename T, typename Finish>
  const T *unique(llvm::FoldingSet<T> &set, const T &key, Finish finish) {
    llvm::FoldingSetNodeID id;
    key.Profile(id);
    void *insertPos = nullptr;
    if (T *existing = set.FindNodeOrInsertPos(id, insertPos))
      return existing;
    llvm::BumpPtrAllocator &nodes =
        std::is_same_v<T, AttributeStorage> ? attrAllocator : allocator;
    T *node = new (nodes.Allocate<T>()) T(key);
    finish(*node);
    set.InsertNode(node, insertPos);
    return node;
  }
};

} // namespace irc

#endif // IRC_IR_DETAIL_STORAGE_H
