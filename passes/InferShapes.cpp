//===- InferShapes.cpp - infer-shapes -------------------------------------===//
//
// Matches: every function. With `args`, first gives the arguments of the
// functions named by `func` (default `forward`) those types
// (specializeArguments).
// Produces: more precise result types, never less precise ones. One walk in
// program order refines each op's results with its shape rule (the table's
// infer hook) and follows values through prim.unchecked_cast, tuples and
// read-only lists (prim.list_construct, aten.chunk). A prim.if result gets
// the join of what its branches yield (a branch that raises does not
// count); a prim.loop's carried values are joined with what the body yields
// until that is stable. Behind the walk it folds what the new types decide,
// so that later rules see constants: aten.dim, aten.size.int, reads of
// aten.size, comparisons of int lists that are known (a static shape with
// its expected sizes), `is None` on values that cannot be None, casts that no
// longer change the type, the ops' folders (int arithmetic), and a prim.if
// whose condition became constant is replaced by the taken branch. Ops that
// this leaves dead are erased.
//
//===----------------------------------------------------------------------===//
#include "passes/InferShapes.h"
#include "ir/AsmParser.h"
#include "ir/Rewriter.h"
#include "ir/ops/ShapeUtils.h"
#include "passes/Pass.h"
#include "passes/PatternRewrite.h"
#include <cstring>
#include <optional>

using namespace irc;

LogicalResult irc::specializeArguments(Operation *func,
                                       llvm::ArrayRef<Type> argTypes,
                                       std::string &error) {
  if (!func || !func->is(OpId::Func)) {
    error = "not a function";
    return failure();
  }
  FuncOp f(func);
  Type fnType = f.getFunctionType();
  llvm::SmallVector<Type, 4> inputs(fnType.getInputs().begin(),
                                    fnType.getInputs().end());
  std::string name = "@" + f.getName().str();
  if (argTypes.size() != inputs.size()) {
    error = name + " takes " + std::to_string(inputs.size()) +
            " arguments, got " + std::to_string(argTypes.size()) + " types";
    return failure();
  }
  for (unsigned i = 0; i < inputs.size(); ++i) {
    if (!argTypes[i])
      continue;
    if (!isRefinementOf(argTypes[i], inputs[i])) {
      error = "argument #" + std::to_string(i) + " of " + name + " is " +
              inputs[i].str() + ", which " + argTypes[i].str() +
              " does not refine";
      return failure();
    }
    inputs[i] = argTypes[i];
  }
  // Every caller must pass values of the new types.
  if (Operation *module = func->getParentOp()) {
    module->walk([&](Operation *call) {
      Attribute callee = call->getAttr("callee");
      if (!error.empty() || !call->is(OpId::Call) || !callee ||
          callee.getString() != f.getName())
        return;
      for (unsigned i = 0; i < call->getNumOperands() && i < inputs.size(); ++i)
        if (!isRefinementOf(call->getOperand(i)->getType(), inputs[i]))
          error = "a call of " + name + " passes " +
                  call->getOperand(i)->getType().str() + " as argument #" +
                  std::to_string(i) + ", not " + inputs[i].str();
    });
    if (!error.empty())
      return failure();
  }
  Block &entry = f.getEntryBlock();
  for (unsigned i = 0; i < inputs.size(); ++i)
    entry.getArgument(i)->setType(inputs[i]);
  f.setFunctionType(
      getFunctionType(func->getContext(), inputs, fnType.getResults()));
  return success();
}

namespace {
/// `combine` applied member by member to two optional or tuple types of the
/// same shape; null for other kinds or when `combine` gives null.
Type combineMembers(Type a, Type b, Type (*combine)(Type, Type)) {
  switch (a.getKind()) {
  case Type::Kind::Optional: {
    Type e = combine(a.getElementType(), b.getElementType());
    return e ? getOptionalType(e) : Type();
  }
  case Type::Kind::Tuple: {
    auto as = a.getTupleTypes(), bs = b.getTupleTypes();
    if (as.size() != bs.size())
      return Type();
    llvm::SmallVector<Type, 4> members;
    for (size_t i = 0; i < as.size(); ++i)
      if (!members.emplace_back(combine(as[i], bs[i])))
        return Type();
    return getTupleType(a.getContext(), members);
  }
  default:
    return Type();
  }
}

/// The most precise type that refines both `a` and `b`, or null when they
/// contradict each other.
Type meet(Type a, Type b) {
  if (!a || !b)
    return Type();
  if (a == b)
    return a;
  if (a.getKind() != b.getKind())
    return Type();
  Context &ctx = a.getContext();
  switch (a.getKind()) {
  case Type::Kind::Tensor: {
    DType da = a.getDType(), db = b.getDType();
    if (da != DType::Unknown && db != DType::Unknown && da != db)
      return Type();
    DType dt = da != DType::Unknown ? da : db;
    if (!a.hasRank() || !b.hasRank())
      return a.hasRank()   ? getTensorType(ctx, a.getShape(), dt)
             : b.hasRank() ? getTensorType(ctx, b.getShape(), dt)
                           : getUnrankedTensorType(ctx, dt);
    if (a.getRank() != b.getRank())
      return Type();
    llvm::SmallVector<int64_t, 4> shape;
    for (unsigned i = 0; i < a.getRank(); ++i) {
      int64_t x = a.getShape()[i], y = b.getShape()[i];
      if (isStatic(x) && isStatic(y) && x != y)
        return Type();
      shape.push_back(isStatic(x) ? x : y);
    }
    return getTensorType(ctx, shape, dt);
  }
  default:
    return combineMembers(a, b, meet);
  }
}

/// The most precise type that both `a` and `b` refine (equal dims stay,
/// different ones become `?`, different ranks unranked), or null when their
/// kinds differ.
Type join(Type a, Type b) {
  if (!a || !b)
    return Type();
  if (a == b)
    return a;
  if (a.getKind() != b.getKind())
    return Type();
  Context &ctx = a.getContext();
  switch (a.getKind()) {
  case Type::Kind::Tensor: {
    DType dt = a.getDType() == b.getDType() ? a.getDType() : DType::Unknown;
    if (!a.hasRank() || !b.hasRank() || a.getRank() != b.getRank())
      return getUnrankedTensorType(ctx, dt);
    llvm::SmallVector<int64_t, 4> shape;
    for (unsigned i = 0; i < a.getRank(); ++i)
      shape.push_back(a.getShape()[i] == b.getShape()[i] ? a.getShape()[i]
                                                         : kDynamic);
    return getTensorType(ctx, shape, dt);
  }
  default:
    return combineMembers(a, b, join);
  }
}

bool matchConstantBool(Value *v, bool &out) {
  Attribute a = getConstantValue(v);
  if (!a || !a.is(Attribute::Kind::Bool))
    return false;
  out = a.getBool();
  return true;
}

Operation *nextOp(Operation *op) {
  auto it = std::next(Block::iterator(op));
  return it == op->getBlock()->end() ? nullptr : &*it;
}

Operation *prevOp(Operation *op) {
  Block::iterator it(op);
  return it == op->getBlock()->begin() ? nullptr : &*std::prev(it);
}

/// True when a block raises before it yields (TorchScript then yields
/// prim.uninitialized values that mean nothing).
bool raises(Block &block) {
  return llvm::any_of(
      block, [](Operation &op) { return op.is(OpId::PrimRaiseException); });
}

bool isUninitialized(Value *v) {
  Operation *def = v->getDefiningOp();
  return def && def->is(OpId::PrimUninitialized);
}

/// True when no user of the list `v` can write it or let it escape, so that
/// what it was built from still describes it.
bool isReadOnlyList(Value *v) {
  for (OpOperand &use : v->getUses()) {
    Operation *user = use.getOwner();
    if (user->hasTrait(InPlace))
      return false;
    switch (user->getId()) {
    case OpId::Return:
    case OpId::Call:
    case OpId::PrimYield:
    case OpId::PrimIf:
    case OpId::PrimLoop:
    case OpId::PrimListConstruct:
    case OpId::PrimTupleConstruct:
    case OpId::PrimDictConstruct:
    case OpId::PrimSetAttr:
    case OpId::PrimCallMethod:
    case OpId::PrimUncheckedCast:
    case OpId::Unregistered:
      return false;
    default:
      break;
    }
  }
  return true;
}

/// The pieces of `aten.chunk(self, chunks, dim)`: `n` types (when the list
/// has `n` elements), or the type of piece `index` (n = 0). False when the
/// rank is unknown or the count does not match (the op raises then).
bool chunkPieces(Operation *chunk, unsigned n, int64_t index,
                 llvm::SmallVectorImpl<Type> &out) {
  Type in = chunk->getOperand(0)->getType();
  int64_t chunks, dim;
  if (!in.hasRank() || in.getRank() == 0 ||
      !matchConstantInt(chunk->getOperand(1), chunks) || chunks <= 0 ||
      !matchConstantInt(chunk->getOperand(2), dim) ||
      !normalizeDim(dim, in.getRank()))
    return false;
  auto shape = llvm::to_vector<4>(in.getShape());
  int64_t size = shape[dim];
  Context &ctx = chunk->getContext();
  if (!isStatic(size)) {
    shape[dim] = kDynamic;
    out.assign(n ? n : 1, getTensorType(ctx, shape, in.getDType()));
    return true;
  }
  if (size == 0)
    return false;
  int64_t split = (size + chunks - 1) / chunks;
  int64_t pieces = (size + split - 1) / split;
  if (n ? int64_t(n) != pieces : (index < -pieces || index >= pieces))
    return false;
  auto piece = [&](int64_t i) {
    shape[dim] = i + 1 < pieces ? split : size - split * (pieces - 1);
    return getTensorType(ctx, shape, in.getDType());
  };
  if (!n)
    out.push_back(piece(index < 0 ? index + pieces : index));
  for (unsigned i = 0; i < n; ++i)
    out.push_back(piece(i));
  return true;
}

/// Whether `v` is None: follows prim.unchecked_cast back to a value whose
/// type says so (none, or a type that cannot hold None).
std::optional<bool> isNoneByType(Value *v) {
  for (;;) {
    Type t = v->getType();
    if (t.isNone())
      return true;
    if (t.getKind() != Type::Kind::Optional && t.getKind() != Type::Kind::Any)
      return false;
    Operation *def = v->getDefiningOp();
    if (!def || !def->is(OpId::PrimUncheckedCast))
      return std::nullopt;
    v = def->getOperand(0);
  }
}

/// The value of a one-element integer tensor that constants decide: traced
/// models compute sizes as tensors (`prim.num_to_tensor(size) //
/// constant`) and read them back with aten.Int.Tensor.
std::optional<int64_t> knownIntTensor(Value *v, unsigned depth = 0) {
  Type t = v->getType();
  Operation *def = v->getDefiningOp();
  if (!def || depth > 8 || !t.isTensor() || !t.hasStaticShape() ||
      t.getNumElements() != 1 ||
      (t.getDType() != DType::I64 && t.getDType() != DType::I32))
    return std::nullopt;
  int64_t x, y;
  auto operands = [&](int64_t &a, int64_t &b) {
    std::optional<int64_t> l = knownIntTensor(def->getOperand(0), depth + 1);
    std::optional<int64_t> r = knownIntTensor(def->getOperand(1), depth + 1);
    if (!l || !r)
      return false;
    a = *l;
    b = *r;
    return true;
  };
  switch (def->getId()) {
  case OpId::PrimNumToTensor:
    if (matchConstantInt(def->getOperand(0), x))
      return x;
    return std::nullopt;
  case OpId::Constant: {
    Attribute a = def->getAttr("value");
    if (a && a.is(Attribute::Kind::SymbolRef))
      if (Operation *module = def->getParentOfType(OpId::Module))
        if (Operation *c = lookupSymbol(module, a.getString()))
          a = c->is(OpId::ModuleConst) ? c->getAttr("value") : Attribute();
    if (!a || !a.isElements() || a.getElementsType() != t)
      return std::nullopt;
    std::optional<llvm::ArrayRef<char>> data = a.getRawData();
    unsigned size = dtypeSize(t.getDType());
    if (!data || data->size() < size)
      return std::nullopt;
    if (size == 8) {
      int64_t v64;
      std::memcpy(&v64, data->data(), 8);
      return v64;
    }
    int32_t v32;
    std::memcpy(&v32, data->data(), 4);
    return v32;
  }
  case OpId::AtenFloorDivide:
    // Both non-negative: floor and truncation (older PyTorch) agree.
    if (operands(x, y) && x >= 0 && y > 0)
      return x / y;
    return std::nullopt;
  case OpId::AtenMulTensor:
    if (operands(x, y) && !__builtin_mul_overflow(x, y, &x) &&
        (t.getDType() == DType::I64 || x == int32_t(x)))
      return x;
    return std::nullopt;
  default:
    return std::nullopt;
  }
}

/// Infers and folds one function.
class ShapeInference {
public:
  ShapeInference(Operation *func) : func(func), rw(func->getContext()) {
    rw.deferErasure(&erased);
  }
  ~ShapeInference() {
    for (Operation *op : erased)
      op->destroy();
  }

  LogicalResult run() {
    std::vector<std::pair<Value *, Type>> before;
    collectValues(FuncOp(func).getEntryBlock(), before);
    if (failed(walkBlock(FuncOp(func).getEntryBlock(), /*fold=*/true)))
      return failure();
    eraseDeadOps();
    for (auto &[v, t] : before) {
      Operation *owner = v->getDefiningOp();
      if (!owner)
        owner = v->getParentBlock()->getParentOp();
      numRefined += isAlive(owner) && v->getType() != t;
    }
    return success();
  }

  unsigned numRefined = 0, numFolded = 0;

private:
  /// Visits the ops of `block` in order. With `fold` false only types
  /// change (a loop body's trial walk, which may be undone); with `fold`
  /// the IR is folded too and a shape rule that fails is an error.
  LogicalResult walkBlock(Block &block, bool fold) {
    for (Operation *op = block.empty() ? nullptr : &block.front(); op;) {
      Operation *next = nextOp(op);
      bool cond;
      if (fold && op->is(OpId::PrimIf) &&
          matchConstantBool(op->getOperand(0), cond)) {
        // Visit the taken branch's ops where they land.
        Operation *prev = prevOp(op);
        inlineTakenBranch(op, cond);
        op = prev ? nextOp(prev) : (block.empty() ? nullptr : &block.front());
        continue;
      }
      if (failed(visit(op, fold)))
        return failure();
      op = next;
    }
    return success();
  }

  LogicalResult visit(Operation *op, bool fold) {
    switch (op->getId()) {
    case OpId::PrimIf:
      return visitIf(op, fold);
    case OpId::PrimLoop:
      return visitLoop(op, fold);
    case OpId::PrimUncheckedCast:
      refineCast(op);
      break;
    case OpId::PrimUncheckedUnwrapOptional:
    case OpId::AtenUnwrapOptional: {
      Type t = op->getOperand(0)->getType();
      refine(op->getResult(0),
             t.getKind() == Type::Kind::Optional ? t.getElementType() : t);
      break;
    }
    case OpId::PrimTupleConstruct: {
      llvm::SmallVector<Type, 4> members;
      for (Value *v : op->getOperands())
        members.push_back(v->getType());
      refine(op->getResult(0), getTupleType(op->getContext(), members));
      break;
    }
    case OpId::PrimTupleUnpack: {
      auto members = op->getOperand(0)->getType().getTupleTypes();
      for (unsigned i = 0; i < members.size() && i < op->getNumResults(); ++i)
        refine(op->getResult(i), members[i]);
      break;
    }
    case OpId::PrimTupleIndex: {
      auto members = op->getOperand(0)->getType().getTupleTypes();
      int64_t n = members.size(), i;
      if (matchConstantInt(op->getOperand(1), i) && i >= -n && i < n)
        refine(op->getResult(0), members[i < 0 ? i + n : i]);
      break;
    }
    case OpId::PrimListUnpack:
    case OpId::AtenGetItem:
      refineListElements(op);
      break;
    default:
      if (failed(applyShapeRule(op, fold)))
        return failure();
      break;
    }
    if (fold)
      foldOp(op);
    return success();
  }

  /// Refines `op`'s results with its shape rule.
  LogicalResult applyShapeRule(Operation *op, bool fold) {
    const OpInfo *info = op->getInfo();
    if (!info || !info->infer)
      return success();
    llvm::SmallVector<Type, 2> inferred;
    LogicalResult result = success();
    {
      // A rule that fails reports why; during a trial walk of a loop body
      // that is not an error, so listen first.
      DiagnosticEngine &engine = op->getContext().getDiagEngine();
      auto previous = engine.setHandler([](const Diagnostic &) {});
      result = info->infer(op, inferred);
      engine.setHandler(previous);
    }
    if (failed(result)) {
      if (!fold)
        return success();
      // The operands' new types make the op fail: report the rule's error.
      inferred.clear();
      (void)info->infer(op, inferred);
      return failure();
    }
    for (unsigned i = 0; i < inferred.size() && i < op->getNumResults(); ++i)
      refine(op->getResult(i), inferred[i]);
    return success();
  }

  /// Gives `v` the meet of its type and `t` (a no-op when they contradict,
  /// which a verified op's rule never makes them do).
  void refine(Value *v, Type t) {
    Type m = meet(v->getType(), t);
    if (m)
      v->setType(m);
  }

  /// prim.unchecked_cast is the identity: its result is at least as
  /// precise as its operand (inside an optional when it casts to one).
  void refineCast(Operation *op) {
    Type r = op->getResult(0)->getType(), t = op->getOperand(0)->getType();
    bool toOptional = r.getKind() == Type::Kind::Optional;
    bool fromOptional = t.getKind() == Type::Kind::Optional;
    if (toOptional && !fromOptional && !t.isNone()) {
      if (Type e = meet(r.getElementType(), t))
        refine(op->getResult(0), getOptionalType(e));
    } else if (fromOptional && !toOptional) {
      refine(op->getResult(0), t.getElementType());
    } else {
      refine(op->getResult(0), t);
    }
  }

  /// prim.list_unpack and aten.__getitem__.t of a read-only list built by
  /// prim.list_construct or aten.chunk.
  void refineListElements(Operation *op) {
    Value *list = op->getOperand(0);
    Operation *def = list->getDefiningOp();
    if (!def || !isReadOnlyList(list))
      return;
    bool unpack = op->is(OpId::PrimListUnpack);
    int64_t index = 0;
    if (!unpack && !matchConstantInt(op->getOperand(1), index))
      return;
    llvm::SmallVector<Type, 4> types;
    if (def->is(OpId::PrimListConstruct)) {
      int64_t n = def->getNumOperands();
      if (unpack && op->getNumResults() == n)
        for (Value *v : def->getOperands())
          types.push_back(v->getType());
      else if (!unpack && index >= -n && index < n)
        types.push_back(
            def->getOperand(index < 0 ? index + n : index)->getType());
    } else if (def->is(OpId::AtenChunk)) {
      if (!chunkPieces(def, unpack ? op->getNumResults() : 0, index, types))
        types.clear();
    }
    for (unsigned i = 0; i < types.size() && i < op->getNumResults(); ++i)
      refine(op->getResult(i), types[i]);
  }

  LogicalResult visitIf(Operation *op, bool fold) {
    for (unsigned r = 0; r < 2; ++r)
      if (failed(walkBlock(op->getRegion(r).front(), fold)))
        return failure();
    // A constant condition (seen here only in a trial walk) leaves one
    // branch that counts.
    bool cond, known = matchConstantBool(op->getOperand(0), cond);
    for (unsigned i = 0; i < op->getNumResults(); ++i) {
      Type joined;
      bool any = false, valid = true;
      for (unsigned r = 0; r < 2; ++r) {
        if (known && r != (cond ? 0u : 1u))
          continue;
        Block &block = op->getRegion(r).front();
        Value *y = block.getTerminator()->getOperand(i);
        if (raises(block) && isUninitialized(y))
          continue;
        joined = any ? join(joined, y->getType()) : y->getType();
        any = true;
        valid &= bool(joined);
      }
      if (any && valid)
        refine(op->getResult(i), joined);
    }
    if (!fold)
      return success();
    // What a raising branch yields is never used: give it the result type.
    for (unsigned r = 0; r < 2; ++r) {
      Operation *yield = op->getRegion(r).front().getTerminator();
      for (unsigned i = 0; i < op->getNumResults(); ++i) {
        Value *y = yield->getOperand(i);
        Type want = op->getResult(i)->getType();
        if (!isUninitialized(y) || isRefinementOf(y->getType(), want))
          continue;
        rw.setInsertionPoint(yield);
        Operation *u =
            rw.create(y->getLoc(), OpId::PrimUninitialized, {want}, {});
        yield->setOperand(i, u->getResult(0));
        maybeDead.push_back(y->getDefiningOp());
      }
    }
    return success();
  }

  LogicalResult visitLoop(Operation *op, bool fold) {
    Block &body = op->getRegion(0).front();
    unsigned n = op->getNumResults();
    llvm::SmallVector<Type, 4> declared, carried;
    for (unsigned k = 0; k < n; ++k) {
      declared.push_back(op->getResult(k)->getType());
      Type init = meet(declared[k], op->getOperand(k + 2)->getType());
      carried.push_back(init ? init : declared[k]);
    }
    // Trial walks: start from the initial values' types and join what the
    // body yields until the body keeps them.
    constexpr unsigned kMaxTrials = 8;
    bool stable = false;
    for (unsigned trial = 0; trial < kMaxTrials && !stable; ++trial) {
      std::vector<std::pair<Value *, Type>> saved;
      collectValues(body, saved);
      for (unsigned k = 0; k < n; ++k)
        body.getArgument(k + 1)->setType(carried[k]);
      (void)walkBlock(body, /*fold=*/false);
      Operation *yield = body.getTerminator();
      llvm::SmallVector<Type, 4> yielded;
      stable = true;
      for (unsigned k = 0; k < n; ++k) {
        yielded.push_back(yield->getOperand(k + 1)->getType());
        stable &= isRefinementOf(yielded[k], carried[k]);
      }
      if (stable)
        break;
      for (auto &[v, t] : saved)
        v->setType(t);
      for (unsigned k = 0; k < n; ++k) {
        Type j = join(carried[k], yielded[k]);
        carried[k] = j && isRefinementOf(j, declared[k]) ? j : declared[k];
      }
    }
    if (!stable) {
      carried = declared;
      for (unsigned k = 0; k < n; ++k)
        body.getArgument(k + 1)->setType(carried[k]);
    }
    for (unsigned k = 0; k < n; ++k)
      refine(op->getResult(k), carried[k]);
    // The final walk folds; it can only make the yields more precise.
    return fold ? walkBlock(body, /*fold=*/true) : success();
  }

  /// Folds what the types decide, then the op's own folder.
  void foldOp(Operation *op) {
    auto intConstant = [&](int64_t v) {
      rw.setInsertionPoint(op);
      return rw.createIntConstant(op->getLoc(), v);
    };
    auto replace = [&](llvm::ArrayRef<Value *> values) {
      for (Value *v : op->getOperands())
        if (Operation *def = v->getDefiningOp())
          maybeDead.push_back(def);
      rw.replaceOp(op, values);
      ++numFolded;
    };
    Type t0 = op->getNumOperands() ? op->getOperand(0)->getType() : Type();
    int64_t i;
    switch (op->getId()) {
    case OpId::AtenDim:
      if (t0.hasRank())
        return replace({intConstant(t0.getRank())});
      break;
    case OpId::AtenSizeInt:
      if (t0.hasRank() && matchConstantInt(op->getOperand(1), i) &&
          normalizeDim(i, t0.getRank()) && isStatic(t0.getShape()[i]))
        return replace({intConstant(t0.getShape()[i])});
      break;
    case OpId::AtenIntTensor:
      if (std::optional<int64_t> v = knownIntTensor(op->getOperand(0)))
        return replace({intConstant(*v)});
      break;
    case OpId::AtenLenTensor:
      if (t0.hasRank() && t0.getRank() && isStatic(t0.getShape()[0]))
        return replace({intConstant(t0.getShape()[0])});
      break;
    case OpId::AtenLen:
    case OpId::AtenGetItem:
    case OpId::PrimListUnpack:
      if (foldListRead(op))
        return;
      break;
    case OpId::AtenEqIntList:
    case OpId::AtenNeIntList: {
      // RNN modules compare a state's size with the expected one.
      llvm::SmallVector<int64_t, 4> a, b;
      if (knownIntList(op->getOperand(0), a) &&
          knownIntList(op->getOperand(1), b)) {
        rw.setInsertionPoint(op);
        return replace({rw.createBoolConstant(
            op->getLoc(), (a == b) == op->is(OpId::AtenEqIntList))});
      }
      break;
    }
    case OpId::AtenIs:
    case OpId::AtenIsNot: {
      std::optional<bool> a = isNoneByType(op->getOperand(0));
      std::optional<bool> b = isNoneByType(op->getOperand(1));
      // Two values that are not None may still be the same object.
      if (a && b && (*a || *b)) {
        bool same = *a && *b;
        rw.setInsertionPoint(op);
        return replace({rw.createBoolConstant(
            op->getLoc(), op->is(OpId::AtenIs) ? same : !same)});
      }
      break;
    }
    case OpId::PrimUncheckedCast: {
      // Back along a chain of casts to a value that says at least as much.
      Type r = op->getResult(0)->getType();
      for (Value *v = op->getOperand(0);;) {
        if (isRefinementOf(v->getType(), r))
          return replace({v});
        Operation *def = v->getDefiningOp();
        if (!def || !def->is(OpId::PrimUncheckedCast))
          break;
        v = def->getOperand(0);
      }
      break;
    }
    default:
      break;
    }
    llvm::SmallVector<Value *, 4> operands(op->getOperands().begin(),
                                           op->getOperands().end());
    if (tryFold(op, rw)) {
      for (Value *v : operands)
        if (Operation *def = v->getDefiningOp())
          maybeDead.push_back(def);
      ++numFolded;
    }
  }

  /// Every element of the int list `v`: a constant, the sizes of a static
  /// shape (aten.size), or a read-only prim.list_construct of constants.
  static bool knownIntList(Value *v, llvm::SmallVectorImpl<int64_t> &out) {
    if (matchConstantIntList(v, out))
      return true;
    Operation *def = v->getDefiningOp();
    if (!def || !isReadOnlyList(v))
      return false;
    out.clear();
    if (def->is(OpId::AtenSize)) {
      Type t = def->getOperand(0)->getType();
      if (!t.hasStaticShape())
        return false;
      out.assign(t.getShape().begin(), t.getShape().end());
      return true;
    }
    if (!def->is(OpId::PrimListConstruct))
      return false;
    for (Value *e : def->getOperands()) {
      int64_t i;
      if (!matchConstantInt(e, i))
        return false;
      out.push_back(i);
    }
    return true;
  }

  /// aten.len.t, aten.__getitem__.t and prim.list_unpack of a read-only
  /// list: the static sizes of `aten.size(x)`, the elements of a
  /// prim.list_construct. Returns true if `op` was replaced.
  bool foldListRead(Operation *op) {
    Value *list = op->getOperand(0);
    Operation *def = list->getDefiningOp();
    if (!def || !isReadOnlyList(list))
      return false;
    // The list's elements as known: a value, or null.
    llvm::SmallVector<Value *, 4> elements;
    llvm::SmallVector<int64_t, 4> sizes;
    bool isSize = def->is(OpId::AtenSize);
    if (isSize) {
      Type t = def->getOperand(0)->getType();
      if (!t.hasRank())
        return false;
      sizes.assign(t.getShape().begin(), t.getShape().end());
    } else if (def->is(OpId::PrimListConstruct)) {
      elements.assign(def->getOperands().begin(), def->getOperands().end());
    } else {
      return false;
    }
    int64_t n = isSize ? sizes.size() : elements.size();
    auto element = [&](int64_t i) -> Value * {
      if (!isSize)
        return elements[i];
      if (!isStatic(sizes[i]))
        return nullptr;
      rw.setInsertionPoint(op);
      return rw.createIntConstant(op->getLoc(), sizes[i]);
    };
    llvm::SmallVector<Value *, 4> replacements;
    if (op->is(OpId::AtenLen)) {
      rw.setInsertionPoint(op);
      replacements.push_back(rw.createIntConstant(op->getLoc(), n));
    } else if (op->is(OpId::AtenGetItem)) {
      int64_t i;
      if (!matchConstantInt(op->getOperand(1), i) || i < -n || i >= n)
        return false; // out of range raises at run time
      Value *v = element(i < 0 ? i + n : i);
      if (!v || !isRefinementOf(v->getType(), op->getResult(0)->getType()))
        return false;
      replacements.push_back(v);
    } else {
      if (op->getNumResults() != n)
        return false;
      // Unpack what is known; the op stays for the rest.
      bool all = true;
      for (int64_t i = 0; i < n; ++i) {
        Value *r = op->getResult(i);
        Value *v = r->use_empty() ? nullptr : element(i);
        if (v && isRefinementOf(v->getType(), r->getType())) {
          rw.replaceAllUsesWith(r, v);
          ++numFolded;
        }
        all &= r->use_empty();
      }
      if (!all)
        return false;
      maybeDead.push_back(def);
      rw.eraseOp(op);
      return true;
    }
    maybeDead.push_back(def);
    rw.replaceOp(op, replacements);
    ++numFolded;
    return true;
  }

  /// Replaces a prim.if on a constant condition with the taken branch.
  void inlineTakenBranch(Operation *op, bool cond) {
    // What only the dropped branch and the condition used may become dead.
    if (Operation *def = op->getOperand(0)->getDefiningOp())
      maybeDead.push_back(def);
    for (Operation &dropped : op->getRegion(cond ? 1 : 0).front())
      dropped.walk([&](Operation *nested) {
        for (Value *v : nested->getOperands())
          if (Operation *def = v->getDefiningOp(); def && !isInside(def, op))
            maybeDead.push_back(def);
      });
    Block &taken = op->getRegion(cond ? 0 : 1).front();
    Operation *yield = taken.getTerminator();
    llvm::SmallVector<Value *, 4> results(yield->getOperands().begin(),
                                          yield->getOperands().end());
    rw.eraseOp(yield);
    rw.inlineBlockBefore(taken, op, {});
    rw.replaceOp(op, results);
    ++numFolded;
  }

  static bool isInside(Operation *op, Operation *ancestor) {
    for (; op; op = op->getParentOp())
      if (op == ancestor)
        return true;
    return false;
  }

  /// False for an erased op or one nested in an erased op.
  bool isAlive(Operation *op) const {
    for (; op != func; op = op->getParentOp())
      if (!op || !op->getBlock())
        return false;
    return true;
  }

  void eraseDeadOps() {
    while (!maybeDead.empty()) {
      Operation *op = maybeDead.back();
      maybeDead.pop_back();
      if (!isAlive(op) || !op->getNumResults() || !op->use_empty() ||
          op->hasTrait(Terminator) || !op->isSideEffectFree())
        continue;
      for (Value *v : op->getOperands())
        if (Operation *def = v->getDefiningOp())
          maybeDead.push_back(def);
      rw.eraseOp(op);
    }
  }

  /// Appends every value defined in `block` (arguments, results, nested)
  /// with its type.
  static void collectValues(Block &block,
                            std::vector<std::pair<Value *, Type>> &out) {
    for (Value *arg : block.getArguments())
      out.push_back({arg, arg->getType()});
    for (Operation &op : block) {
      for (Value *r : op.getResults())
        out.push_back({r, r->getType()});
      for (unsigned i = 0; i < op.getNumRegions(); ++i)
        for (Block &nested : op.getRegion(i))
          collectValues(nested, out);
    }
  }

  Operation *func;
  Rewriter rw;
  std::vector<Operation *> erased;
  std::vector<Operation *> maybeDead;
};

class InferShapesPass : public Pass {
public:
  llvm::StringRef getArgument() const override { return "infer-shapes"; }

  LogicalResult run(Operation *module) override {
    if (!args.getValues().empty() && failed(specialize(module)))
      return failure();
    for (FuncOp f : getFunctions(module)) {
      ShapeInference inference(f.getOperation());
      if (failed(inference.run()))
        return failure();
      numRefined += inference.numRefined;
      numFolded += inference.numFolded;
    }
    return success();
  }

private:
  LogicalResult specialize(Operation *module) {
    Context &ctx = module->getContext();
    llvm::SmallVector<Type, 4> types;
    for (const std::string &text : args.getValues()) {
      Type t = parseType(text, ctx);
      if (!t)
        return module->emitError()
               << "infer-shapes: cannot parse the type '" << text << "'";
      types.push_back(t);
    }
    llvm::SmallVector<std::string, 1> names(funcs.getValues().begin(),
                                            funcs.getValues().end());
    if (names.empty())
      names.push_back("forward");
    for (const std::string &name : names) {
      Operation *f = lookupSymbol(module, name);
      if (!f || !f->is(OpId::Func) || FuncOp(f).isPrivate())
        return module->emitError() << "infer-shapes: no public function @"
                                   << name << " to give the argument types";
      std::string error;
      if (failed(specializeArguments(f, types, error)))
        return f->emitError() << "infer-shapes: " << error;
    }
    return success();
  }

  ListOption args{*this, "args",
                  "Argument types for the functions named by `func`, "
                  "separated by `;`"};
  ListOption funcs{*this, "func",
                   "Public functions that `args` applies to (default "
                   "forward)"};
  Statistic numRefined{*this, "num-refined",
                       "Values given a more precise type"};
  Statistic numFolded{*this, "num-folded",
                      "Operations folded thanks to the new types"};
};
} // namespace

std::unique_ptr<Pass> irc::createInferShapesPass() {
  return std::make_unique<InferShapesPass>();
}
