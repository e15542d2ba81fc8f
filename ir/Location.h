//===- Location.h - Source locations ----------------------------*- C++ -*-===//
//
// Every operation carries a Location so that diagnostics point back at the
// model source (`code/__torch__/m.py:14:8`) or the .irc file it was parsed
// from. Locations live in the Context; unknown and fused locations are
// uniqued, file locations (one per op) are not, which keeps creating them
// a bump allocation instead of a hash-table insert.
//
//===----------------------------------------------------------------------===//
#ifndef IRC_IR_LOCATION_H
#define IRC_IR_LOCATION_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include <utility>

namespace llvm {
class SMLoc;
class SourceMgr;
} // namespace llvm

namespace llvm {
class raw_ostream;
}

namespace irc {
class Context;
struct LocationStorage;

class Location {
public:
  enum class Kind : uint8_t { Unknown, FileLineCol, Fused };

  Location() = default;
  explicit Location(const LocationStorage *impl) : impl(impl) {}
  /// Structural equality (file locations are not uniqued: see Location.cpp).
  bool operator==(Location o) const;
  bool operator!=(Location o) const { return !(*this == o); }

  Kind getKind() const;
  llvm::StringRef getFile() const;
  unsigned getLine() const;
  unsigned getColumn() const;
  llvm::ArrayRef<Location> getFused() const;
  /// The first file:line:col location inside this one, if any.
  Location getFirstFileLoc() const;

  /// Text form: `loc("file":3:4)`, `loc(unknown)`, `loc(fused[...])`.
  void print(llvm::raw_ostream &os) const;
  /// Diagnostic prefix form: `file:3:4` (empty for unknown).
  void printPrefix(llvm::raw_ostream &os) const;

  const LocationStorage *getImpl() const { return impl; }

private:
  const LocationStorage *impl = nullptr;
};

Location getUnknownLoc(Context &ctx);
Location getFileLineColLoc(Context &ctx, llvm::StringRef file, unsigned line,
                           unsigned col);
Location getFusedLoc(Context &ctx, llvm::ArrayRef<Location> locs);

/// The 1-based line and column of `loc` in buffer `bufferId` of `mgr`, in
/// logarithmic time. (SourceMgr::getLineAndColumn scans back to the start
/// of the line, which is quadratic over a long line of many locations.)
std::pair<unsigned, unsigned> getLineAndColumn(const llvm::SourceMgr &mgr,
                                               llvm::SMLoc loc,
                                               unsigned bufferId);

} // namespace irc

#endif // IRC_IR_LOCATION_H
