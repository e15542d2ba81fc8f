//===- CommonSubexpressionElimination.cpp - cse
//------------------------------===//
//
// Matches: a Pure op without regions that equals (same name, operands,
// attributes and result types; operands of Commutative ops in either order)
// an op that dominates it: earlier in the same block or in an enclosing one.
// Produces: uses of the later op's results redirected to the earlier op's,
// and the later op erased.
// Tensors and lists can be changed in place (aten.relu_, aten.append.t), so
// in a function that has such an op only ops over immutable values (ints,
// floats, bools, strings, none, devices) are merged.
//
//===----------------------------------------------------------------------===//
#include "ir/Region.h"

#include "passes/Pass.h"
#include "llvm/ADT/Hashing.h"
#include "llvm/ADT/ScopedHashTable.h"
#include "llvm/Support/RecyclingAllocator.h"
#include <optional>

using namespace irc;

namespace {
/// The operands of `op`, with commutative pairs in a canonical order.
llvm::SmallVector<Value *, 4> canonicalOperands(Operation *op) {
  auto operands = llvm::to_vector<4>(op->getOperands());
  if (op->hasTrait(Commutative) && operands.size() >= 2 &&
      std::less<Value *>()(operands[1], operands[0]))
    std::swap(operands[0], operands[1]);
  return operands;
}

unsigned hashOp(Operation *op) {
  llvm::hash_code h = llvm::hash_value(op->getName().data());
  for (Value *v : canonicalOperands(op))
    h = llvm::hash_combine(h, v);
  for (const NamedAttribute &a : op->getAttrs())
    h = llvm::hash_combine(h, a.name.data(), a.value.getImpl());
  for (Value *r : op->getResults())
    h = llvm::hash_combine(h, r->getType().getImpl());
  return h;
}

/// True when `x` and `y` compute the same value.
bool isSameComputation(Operation *x, Operation *y) {
  if (x->getName().data() != y->getName().data() ||
      x->getNumResults() != y->getNumResults() ||
      canonicalOperands(x) != canonicalOperands(y) ||
      x->getAttrs().size() != y->getAttrs().size())
    return false;
  for (unsigned i = 0; i < x->getAttrs().size(); ++i)
    if (x->getAttrs()[i].name != y->getAttrs()[i].name ||
        x->getAttrs()[i].value != y->getAttrs()[i].value)
      return false;
  for (unsigned i = 0; i < x->getNumResults(); ++i)
    if (x->getResult(i)->getType() != y->getResult(i)->getType())
      return false;
  return true;
}

/// An op with its hash, so that probing and rehashing the table compare
/// hashes instead of reading other ops (cache misses on large functions).
struct HashedOp {
  Operation *op;
  unsigned hash;
};

struct HashedOpInfo {
  using PtrInfo = llvm::DenseMapInfo<Operation *>;
  static HashedOp getEmptyKey() { return {PtrInfo::getEmptyKey(), 0}; }
  static HashedOp getTombstoneKey() { return {PtrInfo::getTombstoneKey(), 0}; }
  static unsigned getHashValue(const HashedOp &k) { return k.hash; }
  static bool isEqual(const HashedOp &a, const HashedOp &b) {
    if (a.op == b.op)
      return true;
    auto special = [](Operation *op) {
      return op == PtrInfo::getEmptyKey() || op == PtrInfo::getTombstoneKey();
    };
    return a.hash == b.hash && !special(a.op) && !special(b.op) &&
           isSameComputation(a.op, b.op);
  }
};

bool isImmutable(Type t) {
  switch (t.getKind()) {
  case Type::Kind::Int:
  case Type::Kind::Float:
  case Type::Kind::Bool:
  case Type::Kind::Str:
  case Type::Kind::None:
  case Type::Kind::Device:
    return true;
  default:
    return false;
  }
}

class CSEPass : public Pass {
public:
  llvm::StringRef getArgument() const override { return "cse"; }

  LogicalResult run(Operation *module) override {
    for (Operation &func : module->getRegion(0).front()) {
      if (!func.is(OpId::Func))
        continue;
      hasMutation = hasInPlaceOps(&func);
      ScopedTable table;
      for (Block &block : func.getRegion(0))
        simplifyBlock(block, table);
    }
    return success();
  }

private:
  // Entries come from a recycling bump allocator, not one malloc each.
  using Allocator =
      llvm::RecyclingAllocator<llvm::BumpPtrAllocator,
                               llvm::ScopedHashTableVal<HashedOp, Operation *>>;
  using ScopedTable =
      llvm::ScopedHashTable<HashedOp, Operation *, HashedOpInfo, Allocator>;

  bool isCandidate(Operation *op) const {
    if (!op->hasTrait(Pure) || op->getNumRegions() || !op->getNumResults())
      return false;
    if (!hasMutation)
      return true;
    auto immutable = [](Value *v) { return isImmutable(v->getType()); };
    return llvm::all_of(op->getOperands(), immutable) &&
           llvm::all_of(op->getResults(), immutable);
  }

  void simplifyBlock(Block &block, ScopedTable &table) {
    llvm::ScopedHashTableScope<HashedOp, Operation *, HashedOpInfo, Allocator>
        scope(table);
    for (Operation &op : block.opsPrefetched()) {
      // An isolated region (xnn.partition) may not use what is outside.
      std::optional<ScopedTable> isolated;
      if (op.getNumRegions() && op.hasTrait(IsolatedFromAbove))
        isolated.emplace();
      ScopedTable &inner = isolated ? *isolated : table;
      for (unsigned i = 0; i < op.getNumRegions(); ++i)
        for (Block &nested : op.getRegion(i))
          simplifyBlock(nested, inner);
      if (!isCandidate(&op))
        continue;
      HashedOp key{&op, hashOp(&op)};
      if (Operation *existing = table.lookup(key)) {
        for (unsigned i = 0; i < op.getNumResults(); ++i)
          op.getResult(i)->replaceAllUsesWith(existing->getResult(i));
        op.erase();
        ++numCSE;
        continue;
      }
      table.insert(key, &op);
    }
  }

  bool hasMutation = false;
  Statistic numCSE{*this, "num-cse'd", "Operations merged into an equal one"};
};
} // namespace

std::unique_ptr<Pass> irc::createCSEPass() {
  return std::make_unique<CSEPass>();
}
