//===- Freeze.cpp - freeze ------------------------------------------------===//
//
// Matches: a module imported from TorchScript, whose `const`s hold the module
// tree as objects and whose public functions (`forward`, plus the methods
// named by `preserve-methods`) call the class methods with the root object.
// Produces, like PyTorch's freeze_module: `prim.call_method` on an
// `object<"C">` becomes `call @"C.m"`, every call is inlined, and each
// `prim.get_attr` on a constant object becomes the field's value (`constant
// @self.linear.weight`, `constant false`), cast back to the declared type
// when the two differ; canonicalize then folds what that exposes (`if
// self.training:`). These steps repeat until nothing changes. Attributes
// that are mutated (written by `prim.set_attr`, or a `prim.get_attr` result
// written by an in-place op) stay state: their get/set_attr ops remain.
// Finally, functions and `const`s that the kept public functions no longer
// reach are erased, and so are the other public functions.
//
//===----------------------------------------------------------------------===//
#include "ir/Verifier.h"
#include "passes/InlineCalls.h"
#include "passes/Pass.h"
#include "passes/PatternRewrite.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SetVector.h"

using namespace irc;
using llvm::StringRef;

namespace {
/// A (class name, attribute name) pair; both strings live in the context.
using ClassAttr = std::pair<StringRef, StringRef>;

StringRef getNameAttr(Operation *op) { return op->getAttr("name").getString(); }

/// `v` without the Optional refinements around it.
Value *stripCasts(Value *v) {
  while (Operation *def = v->getDefiningOp()) {
    if (!def->is(OpId::PrimUncheckedCast) &&
        !def->is(OpId::PrimUncheckedUnwrapOptional))
      break;
    v = def->getOperand(0);
  }
  return v;
}

/// The object value of `v` when it is a constant: `constant @sym` of a
/// `const` holding an object, or an inline object constant.
Attribute getConstantObject(Value *v, const SymbolTable &symbols) {
  Operation *def = stripCasts(v)->getDefiningOp();
  if (!def || !def->is(OpId::Constant))
    return Attribute();
  Attribute value = def->getAttr("value");
  if (value.is(Attribute::Kind::SymbolRef)) {
    Operation *target = symbols.lookup(value.getString());
    value = target && target->is(OpId::ModuleConst) ? target->getAttr("value")
                                                    : Attribute();
  }
  return value.is(Attribute::Kind::Object) ? value : Attribute();
}

/// The classes `v` may be an instance of: its static type's and, when it is
/// a constant, its value's (they differ for module interfaces).
llvm::SmallVector<StringRef, 2> classesOf(Value *v,
                                          const SymbolTable &symbols) {
  llvm::SmallVector<StringRef, 2> classes;
  if (v->getType().getKind() == Type::Kind::Object)
    classes.push_back(v->getType().getName());
  if (Attribute obj = getConstantObject(v, symbols))
    if (!llvm::is_contained(classes, obj.getObjectClass()))
      classes.push_back(obj.getObjectClass());
  return classes;
}

/// True when `constant value : type` is valid IR. Asks the verifier, with
/// its diagnostics silenced, so the rules stay in one place.
bool isValidConstant(Attribute value, Type type, Location loc) {
  Context &ctx = type.getContext();
  Operation *op = Operation::create(ctx, loc, OpId::Constant, {type}, {},
                                    {{ctx.intern("value"), value}});
  auto previous = ctx.getDiagEngine().setHandler([](const Diagnostic &) {});
  bool valid = succeeded(verify(op));
  ctx.getDiagEngine().setHandler(std::move(previous));
  op->destroy();
  return valid;
}

/// The type a field value has on its own, or null.
Type getNaturalType(Attribute value, Context &ctx) {
  using K = Attribute::Kind;
  switch (value.getKind()) {
  case K::Int:
    return getIntType(ctx);
  case K::Float:
    return getFloatType(ctx);
  case K::Bool:
    return getBoolType(ctx);
  case K::String:
    return getStrType(ctx);
  case K::None:
    return getNoneType(ctx);
  case K::Dense:
  case K::Blob:
    return value.getElementsType();
  case K::Object:
    return getObjectType(ctx, value.getObjectClass());
  default:
    return Type();
  }
}

/// `v`, cast to `type` with prim.unchecked_cast when its type differs.
Value *castTo(Value *v, Type type, Location loc, Rewriter &rw) {
  if (v->getType() == type)
    return v;
  return rw.create(loc, OpId::PrimUncheckedCast, {type}, {v})->getResult(0);
}

/// prim.get_attr of an attribute that is not mutated, on a constant object:
/// the field's value as a constant of the declared type.
struct FoldGetAttr : RewritePattern {
  FoldGetAttr(const SymbolTable &symbols,
              const llvm::DenseSet<ClassAttr> &mutated, unsigned &numFolded)
      : RewritePattern(OpId::PrimGetAttr), symbols(symbols), mutated(mutated),
        numFolded(numFolded) {}

  LogicalResult matchAndRewrite(Operation *op, Rewriter &rw) const override {
    Attribute obj = getConstantObject(op->getOperand(0), symbols);
    StringRef name = getNameAttr(op);
    if (!obj)
      return failure();
    for (StringRef cls : classesOf(op->getOperand(0), symbols))
      if (mutated.count({cls, name}))
        return failure();
    Attribute field = obj.getObjectField(name);
    if (!field)
      return failure();
    Value *result = op->getResult(0);
    Value *value = materialize(field, result->getType(), op->getLoc(), rw);
    if (!value)
      return failure();
    value->shareNameHint(*result);
    rw.replaceOp(op, {value});
    ++numFolded;
    return success();
  }

private:
  Value *materialize(Attribute field, Type declared, Location loc,
                     Rewriter &rw) const {
    if (field.is(Attribute::Kind::SymbolRef)) {
      // A reference to a submodule or tensor `const`: the constant has the
      // const's type, exactly.
      Operation *target = symbols.lookup(field.getString());
      if (!target || !target->is(OpId::ModuleConst))
        return nullptr;
      Type type = target->getAttr("type").getTypeValue();
      return castTo(rw.createConstant(loc, field, type), declared, loc, rw);
    }
    // Prefer the declared type (`constant none : optional<tensor>`), then
    // the optional's element, then the value's own type.
    llvm::SmallVector<Type, 3> candidates = {declared};
    if (declared.getKind() == Type::Kind::Optional)
      candidates.push_back(declared.getElementType());
    candidates.push_back(getNaturalType(field, rw.getContext()));
    for (Type type : candidates)
      if (type && isValidConstant(field, type, loc))
        return castTo(rw.createConstant(loc, field, type), declared, loc, rw);
    return nullptr;
  }

  const SymbolTable &symbols;
  const llvm::DenseSet<ClassAttr> &mutated;
  unsigned &numFolded;
};

/// The function implementing method `method` of class `cls`, or null.
Operation *lookupMethod(const SymbolTable &symbols, StringRef cls,
                        StringRef method) {
  Operation *func = symbols.lookup((cls + "." + method).str());
  return func && func->is(OpId::Func) ? func : nullptr;
}

/// prim.call_method(%o, args) {name = m} -> call @"C.m"(%o, args), with C
/// the class of %o's type or of its constant value.
struct ResolveCallMethod : RewritePattern {
  ResolveCallMethod(const SymbolTable &symbols, unsigned &numResolved)
      : RewritePattern(OpId::PrimCallMethod), symbols(symbols),
        numResolved(numResolved) {}

  LogicalResult matchAndRewrite(Operation *op, Rewriter &rw) const override {
    for (StringRef cls : classesOf(op->getOperand(0), symbols)) {
      FuncOp func = lookupMethod(symbols, cls, getNameAttr(op));
      if (!func)
        continue;
      Type fnType = func.getFunctionType();
      if (fnType.getInputs().size() != op->getNumOperands() ||
          fnType.getResults().size() != op->getNumResults())
        return failure();
      Location loc = op->getLoc();
      // A receiver cast to an interface type is passed as what it was.
      Value *receiver = op->getOperand(0);
      if (stripCasts(receiver)->getType() == fnType.getInputs()[0])
        receiver = stripCasts(receiver);
      llvm::SmallVector<Value *, 4> args = {receiver};
      for (unsigned i = 1; i < op->getNumOperands(); ++i)
        args.push_back(
            castTo(op->getOperand(i), fnType.getInputs()[i], loc, rw));
      Operation *call = rw.create(
          loc, OpId::Call, fnType.getResults(), args,
          {rw.getNamedAttr("callee",
                           getSymbolRefAttr(rw.getContext(), func.getName()))});
      llvm::SmallVector<Value *, 2> results;
      for (unsigned i = 0; i < op->getNumResults(); ++i) {
        call->getResult(i)->shareNameHint(*op->getResult(i));
        results.push_back(
            castTo(call->getResult(i), op->getResult(i)->getType(), loc, rw));
      }
      rw.replaceOp(op, results);
      ++numResolved;
      return success();
    }
    return failure();
  }

private:
  const SymbolTable &symbols;
  unsigned &numResolved;
};

class FreezePass : public Pass {
public:
  llvm::StringRef getArgument() const override { return "freeze"; }

  LogicalResult run(Operation *module) override {
    roots.clear();
    mutated.clear();
    if (failed(findRoots(module)))
      return failure();
    sweep(module);
    std::unique_ptr<Pass> canonicalize = createCanonicalizePass();
    for (bool changed = true; changed;) {
      // Resolve and inline before reading mutations, so that a write through
      // a callee's argument sits next to the get_attr it writes.
      unsigned resolved = 0, folded = 0;
      {
        SymbolTable symbols(module);
        PatternList patterns;
        patterns.push_back(
            std::make_unique<ResolveCallMethod>(symbols, resolved));
        applyPatternsEverywhere(module, patterns);
      }
      unsigned inlined = inlineCalls(module, /*inlineIntoCycles=*/false);
      sweep(module);
      {
        SymbolTable symbols(module);
        collectMutatedAttributes(module, symbols);
        PatternList patterns;
        patterns.push_back(
            std::make_unique<FoldGetAttr>(symbols, mutated, folded));
        applyPatternsEverywhere(module, patterns);
      }
      uint64_t before = sumStatistics(*canonicalize);
      if (failed(canonicalize->run(module)))
        return failure();
      numResolved += resolved;
      numInlined += inlined;
      numFolded += folded;
      changed = resolved || inlined || folded ||
                sumStatistics(*canonicalize) != before;
    }
    numMutated += mutated.size();
    if (failed(checkNoMethodCalls()))
      return failure();
    sweep(module);
    return success();
  }

private:
  /// The kept public functions: `forward` and the preserved methods.
  LogicalResult findRoots(Operation *module) {
    auto findPublic = [&](StringRef name) -> Operation * {
      Operation *op = lookupSymbol(module, name);
      return op && op->is(OpId::Func) && !FuncOp(op).isPrivate() ? op : nullptr;
    };
    if (Operation *forward = findPublic("forward"))
      roots.insert(forward);
    for (const std::string &name : preserveMethods.getValues()) {
      Operation *func = findPublic(name);
      if (!func)
        return module->emitError()
               << "freeze: preserved method '" << name
               << "' is not a public function of the module";
      roots.insert(func);
    }
    if (roots.empty())
      return module->emitError()
             << "freeze: the module has no public 'forward' function and "
                "no method is preserved (preserve-methods=a;b)";
    return success();
  }

  static void applyPatternsEverywhere(Operation *module,
                                      const PatternList &patterns) {
    for (FuncOp func : getFunctions(module))
      applyPatternsGreedily(func.getOperation(), patterns);
  }

  static uint64_t sumStatistics(const Pass &pass) {
    uint64_t sum = 0;
    for (const Statistic *s : pass.getStatistics())
      sum += s->getValue();
    return sum;
  }

  /// Adds the attributes that some `prim.set_attr` writes, or whose
  /// `prim.get_attr` result an in-place op writes, on objects other than
  /// ones the code creates.
  void collectMutatedAttributes(Operation *module, const SymbolTable &symbols) {
    module->walk([&](Operation *op) {
      Value *object = nullptr;
      StringRef name;
      if (op->is(OpId::PrimSetAttr)) {
        object = op->getOperand(0);
        name = getNameAttr(op);
      } else if (op->hasTrait(InPlace) && op->getNumOperands()) {
        Operation *def = stripCasts(op->getOperand(0))->getDefiningOp();
        if (!def || !def->is(OpId::PrimGetAttr))
          return;
        object = def->getOperand(0);
        name = getNameAttr(def);
      } else {
        return;
      }
      // An object made here (`prim.create_object`) is not module state.
      // Storing it into module state is itself a set_attr on that state.
      Operation *maker = stripCasts(object)->getDefiningOp();
      if (maker && maker->is(OpId::PrimCreateObject))
        return;
      for (StringRef cls : classesOf(object, symbols))
        mutated.insert({cls, name});
    });
  }

  /// Erases the functions and `const`s that the roots do not reach through
  /// symbol references (calls, `constant @c`, object fields) or method
  /// calls. A method call whose class has no such method keeps every method
  /// of that name: a constant receiver may yet resolve it.
  void sweep(Operation *module) {
    SymbolTable symbols(module);
    llvm::DenseSet<Operation *> live;
    llvm::SmallVector<Operation *, 16> worklist;
    auto reach = [&](Operation *op) {
      if (op && live.insert(op).second)
        worklist.push_back(op);
    };
    auto reachName = [&](StringRef name) { reach(symbols.lookup(name)); };
    for (Operation *root : roots)
      reach(root);
    while (!worklist.empty()) {
      Operation *op = worklist.pop_back_val();
      if (op->is(OpId::ModuleConst)) {
        forEachSymbolRef(op->getAttr("value"), reachName);
        continue;
      }
      op->walk([&](Operation *inner) {
        for (const NamedAttribute &attr : inner->getAttrs())
          forEachSymbolRef(attr.value, reachName);
        if (!inner->is(OpId::PrimCallMethod))
          return;
        StringRef method = getNameAttr(inner);
        bool found = false;
        for (StringRef cls : classesOf(inner->getOperand(0), symbols))
          if (Operation *func = lookupMethod(symbols, cls, method)) {
            reach(func);
            found = true;
          }
        if (!found)
          for (FuncOp func : getFunctions(module))
            if (func.getName().endswith(("." + method).str()))
              reach(func.getOperation());
      });
    }
    for (Operation &op :
         llvm::make_early_inc_range(module->getRegion(0).front())) {
      if (live.count(&op)) {
        // What stays is constant data, no longer a trainable parameter.
        if (op.getAttr("requires_grad"))
          op.removeAttr("requires_grad");
        continue;
      }
      if (op.is(OpId::Func))
        ++numFunctionsErased;
      else
        ++numConstantsErased;
      op.erase();
    }
  }

  /// A method call left at the fixpoint has no function to call.
  LogicalResult checkNoMethodCalls() {
    bool ok = true;
    for (Operation *root : roots)
      root->walk([&](Operation *op) {
        if (!op->is(OpId::PrimCallMethod))
          return;
        Type type = op->getOperand(0)->getType();
        op->emitOpError() << "calls method '" << getNameAttr(op)
                          << "', which class '" << type.getName()
                          << "' does not define";
        ok = false;
      });
    return success(ok);
  }

  llvm::SetVector<Operation *> roots;
  llvm::DenseSet<ClassAttr> mutated;

  ListOption preserveMethods{
      *this, "preserve-methods",
      "Public methods to keep besides forward, separated by ';'"};
  Statistic numFolded{*this, "num-attributes-folded",
                      "prim.get_attr ops replaced by the attribute's value"};
  Statistic numMutated{*this, "num-mutated-attributes",
                       "Attributes kept as state because they are written"};
  Statistic numResolved{*this, "num-methods-resolved",
                        "prim.call_method ops turned into calls"};
  Statistic numInlined{*this, "num-methods-inlined", "Calls inlined"};
  Statistic numFunctionsErased{*this, "num-functions-erased",
                               "Functions erased"};
  Statistic numConstantsErased{*this, "num-constants-erased",
                               "Module constants erased"};
};
} // namespace

std::unique_ptr<Pass> irc::createFreezePass() {
  return std::make_unique<FreezePass>();
}
