//===- HashedString.h - String keys that carry their hash -------*- C++ -*-===//
//
// Internal to ir/. A DenseMap keyed by StringRef compares candidate keys with
// memcmp while probing and rehashes every key when it grows, reading the
// strings each time: on large functions those reads miss the cache. Keys
// that carry their hash compare hashes first and never rehash.
//
//===----------------------------------------------------------------------===//
#ifndef IRC_IR_DETAIL_HASHEDSTRING_H
#define IRC_IR_DETAIL_HASHEDSTRING_H

#include "llvm/ADT/DenseMapInfo.h"
#include "llvm/ADT/Hashing.h"
#include "llvm/ADT/StringRef.h"

namespace irc {

struct HashedString {
  llvm::StringRef str;
  unsigned hash;

  /*implicit*/ HashedString(llvm::StringRef s)
      : str(s), hash(unsigned(llvm::hash_value(s))) {}
  HashedString(llvm::StringRef s, unsigned hash) : str(s), hash(hash) {}
};

struct HashedStringInfo {
  using Info = llvm::DenseMapInfo<llvm::StringRef>;
  static HashedString getEmptyKey() { return {Info::getEmptyKey(), 0}; }
  static HashedString getTombstoneKey() { return {Info::getTombstoneKey(), 0}; }
  static unsigned getHashValue(const HashedString &k) { return k.hash; }
  static bool isEqual(const HashedString &a, const HashedString &b) {
    return a.hash == b.hash && Info::isEqual(a.str, b.str);
  }
};

} // namespace irc

#endif
