//===- Location.cpp -------------------------------------------------------===//
#include "ir/Location.h"
#include "ir/detail/AttrPrinting.h"
#include "ir/detail/Storage.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

using namespace irc;

void LocationStorage::Profile(llvm::FoldingSetNodeID &id) const {
  id.AddInteger(unsigned(kind));
  id.AddString(file);
  id.AddInteger(line);
  id.AddInteger(col);
  for (Location l : fused)
    id.AddPointer(l.getImpl());
}

static Location get(Context &ctx, const LocationStorage &key) {
  auto &impl = ctx.getImpl();
  return Location(impl.unique(impl.locations, key, [&](LocationStorage &s) {
    s.file = impl.copy(s.file);
    s.fused = impl.copy(s.fused);
  }));
}

Location irc::getUnknownLoc(Context &ctx) {
  LocationStorage key;
  key.kind = Location::Kind::Unknown;
  return get(ctx, key);
}
Location irc::getFileLineColLoc(Context &ctx, llvm::StringRef file,
                                unsigned line, unsigned col) {
  // Every op has its own file location, so uniquing them would only fill a
  // hash table: allocate, and compare structurally in operator==.
  auto &impl = ctx.getImpl();
  auto *node =
      new (impl.allocator.Allocate<LocationStorage>()) LocationStorage();
  node->kind = Location::Kind::FileLineCol;
  node->file = impl.copy(file);
  node->line = line;
  node->col = col;
  return Location(node);
}

Location irc::getFusedLoc(Context &ctx, llvm::ArrayRef<Location> locs) {
  if (locs.size() == 1)
    return locs[0];
  LocationStorage key;
  key.kind = Location::Kind::Fused;
  key.fused = locs;
  return get(ctx, key);
}

bool Location::operator==(Location o) const {
  if (impl == o.impl)
    return true;
  if (!impl || !o.impl || getKind() != o.getKind())
    return false;
  switch (getKind()) {
  case Kind::Unknown:
    return true;
  case Kind::FileLineCol:
    // File names are interned: compare their pointers.
    return getFile().data() == o.getFile().data() && getLine() == o.getLine() &&
           getColumn() == o.getColumn();
  case Kind::Fused:
    return getFused().size() == o.getFused().size() &&
           std::equal(getFused().begin(), getFused().end(),
                      o.getFused().begin());
  }
  return false;
}

Location::Kind Location::getKind() const {
  return impl ? impl->kind : Kind::Unknown;
}
llvm::StringRef Location::getFile() const { return impl->file; }
unsigned Location::getLine() const { return impl->line; }
unsigned Location::getColumn() const { return impl->col; }
llvm::ArrayRef<Location> Location::getFused() const { return impl->fused; }

Location Location::getFirstFileLoc() const {
  if (getKind() == Kind::FileLineCol)
    return *this;
  if (getKind() == Kind::Fused)
    for (Location l : getFused())
      if (Location f = l.getFirstFileLoc(); f.getKind() == Kind::FileLineCol)
        return f;
  return Location();
}

static void printInner(Location l, llvm::raw_ostream &os) {
  switch (l.getKind()) {
  case Location::Kind::Unknown:
    os << "unknown";
    return;
  case Location::Kind::FileLineCol:
    printQuotedString(l.getFile(), os);
    os << ':' << l.getLine() << ':' << l.getColumn();
    return;
  case Location::Kind::Fused:
    os << "fused[";
    llvm::interleaveComma(l.getFused(), os,
                          [&](Location f) { printInner(f, os); });
    os << ']';
    return;
  }
}

void Location::print(llvm::raw_ostream &os) const {
  os << "loc(";
  printInner(*this, os);
  os << ')';
}

void Location::printPrefix(llvm::raw_ostream &os) const {
  Location f = getFirstFileLoc();
  if (f.getKind() != Kind::FileLineCol)
    return;
  os << f.getFile();
  // Line 0 is the file as a whole (an archive, say), not a position in it.
  if (f.getLine() != 0)
    os << ':' << f.getLine() << ':' << f.getColumn();
}

std::pair<unsigned, unsigned>
irc::getLineAndColumn(const llvm::SourceMgr &mgr, llvm::SMLoc loc,
                      unsigned bufferId) {
  const auto &buffer = mgr.getBufferInfo(bufferId); // SrcBuffer is private
  // Both read SourceMgr's cache of line offsets.
  unsigned line = buffer.getLineNumber(loc.getPointer());
  const char *start = buffer.getPointerForLineNumber(line);
  return {line, unsigned(loc.getPointer() - start) + 1};
}
