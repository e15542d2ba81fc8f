//===- StringTable.h - Name tables of the parser and printer ----*- C++ -*-===//
//
// Internal to ir/. A map from names to T for the parser's `%names` in scope
// and the printer's names in use. Each name is inserted once and looked up
// at every use, at a random place of a table as large as the function. A
// DenseMap with StringRef keys has 24- to 32-byte buckets and is kept at
// most 3/4 full: 8 MB for a 100,000-op function, where every insertion
// missed the cache and the TLB. Here a slot is 8 bytes (the name's hash and
// its entry's number), and the entries are stored in insertion order, where
// the recent ones, which a function uses most, stay in cache: 1 MB of slots
// for the same function.
//
//===----------------------------------------------------------------------===//
#ifndef IRC_IR_DETAIL_STRINGTABLE_H
#define IRC_IR_DETAIL_STRINGTABLE_H

#include "llvm/ADT/Hashing.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/MathExtras.h"
#include <algorithm>
#include <cassert>
#include <cstdint>
#include <limits>
#include <vector>

namespace irc {

template <typename T> class StringTable {
public:
  size_t size() const { return entries.size(); }

  /// The entry for `name`, or null.
  const T *find(llvm::StringRef name) const {
    if (slots.empty())
      return nullptr;
    uint32_t hash = hashOf(name);
    for (size_t i = hash & mask();; i = (i + 1) & mask()) {
      Slot s = slots[i];
      if (s.entry == 0)
        return nullptr;
      const Entry &e = entries[s.entry - 1];
      if (s.hash == hash && e.name == name)
        return &e.value;
    }
  }
  /// The value for `name`, or T() when there is none.
  T lookup(llvm::StringRef name) const {
    const T *v = find(name);
    return v ? *v : T();
  }
  bool contains(llvm::StringRef name) const { return find(name); }

  /// Adds `name` (which must outlive the table); false, and no change, when
  /// it is already there. Entries are numbered in 32 bits: 4 billion names
  /// name more values than memory holds.
  bool insert(llvm::StringRef name, T value = T()) {
    assert(entries.size() < std::numeric_limits<uint32_t>::max());
    if ((entries.size() + 1) * 4 > slots.size() * 3)
      grow();
    uint32_t hash = hashOf(name);
    size_t i = hash & mask();
    for (; slots[i].entry; i = (i + 1) & mask())
      if (slots[i].hash == hash && entries[slots[i].entry - 1].name == name)
        return false;
    entries.push_back({name, value, hash});
    slots[i] = {hash, uint32_t(entries.size())};
    return true;
  }

  /// Starts loading the slot where `name` goes, for an insertion some work
  /// later (the parser reads an op's result names before the op).
  void prefetch(llvm::StringRef name) const {
    if (!slots.empty())
      __builtin_prefetch(&slots[hashOf(name) & mask()]);
  }

  /// Empties the table in time linear in its entries, keeping a size that
  /// suits them: one large function is not paid for by every later one.
  void clear() {
    size_t numSlots = slotsFor(entries.size());
    entries.clear();
    slots.assign(numSlots, Slot());
  }

private:
  struct Slot {
    uint32_t hash = 0;
    uint32_t entry = 0; // 1 + index into entries; 0 when empty
  };
  struct Entry {
    llvm::StringRef name;
    T value;
    uint32_t hash;
  };

  static uint32_t hashOf(llvm::StringRef name) {
    return uint32_t(llvm::hash_value(name));
  }
  /// A power of two that holds `n` entries at most half full.
  static size_t slotsFor(size_t n) {
    return std::max<size_t>(64, llvm::PowerOf2Ceil(2 * n));
  }
  size_t mask() const { return slots.size() - 1; }

  /// Doubles the slots and places the entries again from their stored
  /// hashes: a sequential read, with no string hashed or compared.
  void grow() {
    slots.assign(slotsFor(entries.size() + 1), Slot());
    for (size_t k = 0; k < entries.size(); ++k) {
      size_t i = entries[k].hash & mask();
      while (slots[i].entry)
        i = (i + 1) & mask();
      slots[i] = {entries[k].hash, uint32_t(k + 1)};
    }
  }

  std::vector<Slot> slots;
  std::vector<Entry> entries;
};

} // namespace irc

#endif // IRC_IR_DETAIL_STRINGTABLE_H
