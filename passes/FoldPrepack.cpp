//===- FoldPrepack.cpp - fold-prepack -------------------------------------===//
//
// Matches: prepack ops (xnn.*_prepack, vk.*_prepack) whose operands are all
// constants (inline, or `@symbol` module constants such as frozen weights;
// a prim.list_construct of constants (numbers, or module constants such as
// a traced RNN's weights) that no op writes counts as one, and
// so does a constant behind prim.unchecked_cast).
// Produces: one constant of the packed-parameter type per distinct set of
// parameters in each function, at the start of the function's body: an
// object whose fields are the prepack op's operands, named by its schema
// (weights by reference, never copied):
//
//   %p = constant object<"xnn.conv2d_params"> {weight = @conv.weight,
//       bias = @conv.bias, stride = [1, 1], ...} : !xnn.conv2d_params
//
// The weights are packed once when a plan is loaded. A weight used at
// several sites with the same parameters is packed once, not once per site
// as PyTorch does; hoist-packed-params then shares the constants between
// functions. A prepack op with a non-constant operand (a weight passed as
// an argument) stays and packs on every call, as in PyTorch.
//
//===----------------------------------------------------------------------===//
#include "ir/Builder.h"
#include "ir/Module.h"
#include "ir/Packed.h"
#include "passes/ConstantTensors.h"
#include "passes/Pass.h"
#include "llvm/ADT/DenseMap.h"

using namespace irc;

namespace {

/// The constant attribute of `v` as an object field (a module constant by
/// its symbol), or null. A list built from constants (TorchScript's
/// `[2, 2]`) counts when no op can write it.
Attribute fieldValue(Value *v) {
  v = lookThroughCasts(v);
  Operation *def = v->getDefiningOp();
  if (!def)
    return Attribute();
  if (def->is(OpId::Constant))
    return def->getAttr("value");
  if (!def->is(OpId::PrimListConstruct) ||
      llvm::any_of(v->getUsers(), [](Operation *user) {
        return user->getContext().getOpInfo(user->getId()).hasTrait(InPlace);
      }))
    return Attribute();
  llvm::SmallVector<Attribute, 4> elements;
  for (Value *e : def->getOperands()) {
    Attribute a = fieldValue(e);
    if (!a ||
        !(a.is(Attribute::Kind::Int) || a.is(Attribute::Kind::Float) ||
          a.is(Attribute::Kind::Bool) || a.is(Attribute::Kind::SymbolRef)))
      return Attribute();
    elements.push_back(a);
  }
  return getListAttr(def->getContext(), elements);
}

class FoldPrepackPass : public Pass {
public:
  llvm::StringRef getArgument() const override { return "fold-prepack"; }

  LogicalResult run(Operation *module) override {
    for (Operation &func : module->getRegion(0).front())
      if (func.is(OpId::Func))
        foldIn(func);
    return success();
  }

private:
  void foldIn(Operation &func) {
    Context &ctx = func.getContext();
    llvm::SmallVector<Operation *, 16> prepacks;
    func.walk([&](Operation *op) {
      if (isPrepackOp(op))
        prepacks.push_back(op);
    });
    Block &entry = func.getRegion(0).front();
    Builder b(ctx);
    b.setInsertionPointToStart(&entry);
    // Attributes are uniqued: equal parameters are one object.
    llvm::DenseMap<const AttributeStorage *, Value *> folded;
    for (Operation *op : prepacks) {
      const Schema &schema = ctx.getOpInfo(op->getId()).schema;
      llvm::SmallVector<NamedAttribute, 9> fields;
      for (unsigned i = 0; i < op->getNumOperands(); ++i) {
        Attribute value = fieldValue(op->getOperand(i));
        if (!value)
          break;
        fields.push_back({ctx.intern(schema.params[i].name), value});
      }
      if (fields.size() != op->getNumOperands())
        continue;
      Type type = op->getResult(0)->getType();
      Attribute object = getObjectAttr(ctx, type.getName(), fields);
      auto [it, inserted] = folded.try_emplace(object.getImpl(), nullptr);
      if (inserted)
        it->second = b.createConstant(op->getLoc(), object, type);
      else
        ++numShared;
      op->getResult(0)->replaceAllUsesWith(it->second);
      op->erase();
      ++numFolded;
    }
  }

  Statistic numFolded{*this, "num-folded", "Prepack ops folded to constants"};
  Statistic numShared{*this, "num-shared",
                      "Folded prepack ops that reuse an equal constant"};
};
} // namespace

std::unique_ptr<Pass> irc::createFoldPrepackPass() {
  return std::make_unique<FoldPrepackPass>();
}
