//===- HoistPackedParams.cpp - hoist-packed-params ------------------------===//
//
// Matches: constants of a packed-parameter type (`!xnn.conv2d_params`,
// `!vk.linear_params`, ...) given inline in a function, what fold-prepack
// makes.
// Produces: one module constant per distinct value, shared by every
// function that uses it, and `constant @symbol` at each use:
//
//   const @conv1.weight.packed = object<"xnn.conv2d_params"> {...}
//       : !xnn.conv2d_params
//
// The name is the weight's symbol with `.packed` (or `packed` alone for an
// inline weight), made unique with a number. PyTorch's
// HoistConvPackedParams does this for quantized convs' `_packed_params`,
// which irc does not import; here it covers every packed op, so a plan
// packs each weight once however many methods use it.
//
//===----------------------------------------------------------------------===//
#include "ir/Builder.h"
#include "ir/Module.h"
#include "passes/Pass.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringSet.h"

using namespace irc;

namespace {

class HoistPackedParamsPass : public Pass {
public:
  llvm::StringRef getArgument() const override { return "hoist-packed-params"; }

  LogicalResult run(Operation *module) override {
    Context &ctx = module->getContext();
    Block &body = module->getRegion(0).front();
    llvm::StringSet<> names;
    // Existing packed constants are reused, so running twice changes
    // nothing.
    llvm::DenseMap<const AttributeStorage *, llvm::StringRef> hoisted;
    for (Operation &op : body) {
      if (Attribute name = op.getAttr("sym_name"))
        names.insert(name.getString());
      if (op.is(OpId::ModuleConst) &&
          op.getAttr("type").getTypeValue().getKind() == Type::Kind::Opaque)
        hoisted.try_emplace(op.getAttr("value").getImpl(),
                            op.getAttr("sym_name").getString());
    }
    llvm::SmallVector<Operation *, 16> constants;
    for (Operation &func : body)
      if (func.is(OpId::Func))
        func.walk([&](Operation *op) {
          Attribute value = op->getAttr("value");
          if (op->is(OpId::Constant) &&
              op->getResult(0)->getType().getKind() == Type::Kind::Opaque &&
              value.is(Attribute::Kind::Object))
            constants.push_back(op);
        });
    Builder b(ctx);
    b.setInsertionPoint(&body, firstFunction(body));
    for (Operation *op : constants) {
      Attribute value = op->getAttr("value");
      auto [it, inserted] = hoisted.try_emplace(value.getImpl());
      if (inserted) {
        std::string name = uniqueName(names, baseName(value));
        Type type = op->getResult(0)->getType();
        b.create(op->getLoc(), OpId::ModuleConst, {}, {},
                 {b.getNamedAttr("sym_name", getStringAttr(ctx, name)),
                  b.getNamedAttr("type", getTypeAttr(type)),
                  b.getNamedAttr("value", value)});
        it->second = names.find(name)->getKey();
        ++numHoisted;
      }
      op->setAttr("value", getSymbolRefAttr(ctx, it->second));
      ++numUses;
    }
    return success();
  }

private:
  static Block::iterator firstFunction(Block &body) {
    for (auto it = body.begin(); it != body.end(); ++it)
      if (it->is(OpId::Func))
        return it;
    return body.end();
  }
  static std::string baseName(Attribute object) {
    Attribute weight = object.getObjectField("weight");
    if (weight && weight.is(Attribute::Kind::SymbolRef))
      return (weight.getString() + ".packed").str();
    return "packed";
  }
  static std::string uniqueName(llvm::StringSet<> &names, std::string base) {
    std::string name = base;
    for (unsigned n = 1; names.count(name); ++n)
      name = base + "." + std::to_string(n);
    names.insert(name);
    return name;
  }

  Statistic numHoisted{*this, "num-hoisted",
                       "Packed-parameter module constants created"};
  Statistic numUses{*this, "num-uses",
                    "Inline packed constants replaced by a module constant"};
};
} // namespace

std::unique_ptr<Pass> irc::createHoistPackedParamsPass() {
  return std::make_unique<HoistPackedParamsPass>();
}
