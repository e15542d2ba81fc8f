//===- MobileLints.cpp - PyTorch's mobile module lints --------------------===//
#include "passes/MobileLints.h"
#include "passes/PassManager.h"
#include "llvm/ADT/StringSet.h"
#include <set>

using namespace irc;

namespace {

/// named_parameters(): the module's own parameters, then each submodule's,
/// depth first, each tensor once.
void collectParameters(Operation *module, Attribute object,
                       const std::string &prefix, llvm::StringSet<> &seen,
                       std::vector<std::string> &out) {
  auto constOf = [&](Attribute field) -> Operation * {
    if (!field.is(Attribute::Kind::SymbolRef))
      return nullptr;
    Operation *c = lookupSymbol(module, field.getString());
    return c && c->is(OpId::ModuleConst) ? c : nullptr;
  };
  for (const NamedAttribute &field : object.getObjectFields())
    if (Operation *c = constOf(field.value))
      if (Attribute grad = c->getAttr("requires_grad");
          grad && grad.is(Attribute::Kind::Bool) && grad.getBool() &&
          seen.insert(field.value.getString()).second)
        out.push_back(prefix + field.name.str());
  for (const NamedAttribute &field : object.getObjectFields())
    if (Operation *c = constOf(field.value)) {
      Attribute value = c->getAttr("value");
      if (value.is(Attribute::Kind::Object) && !value.hasObjectState())
        collectParameters(module, value, prefix + field.name.str() + ".", seen,
                          out);
    }
}

} // namespace

std::vector<MobileLint> irc::generateMobileLints(Operation *module) {
  std::vector<MobileLint> lints;
  Operation *self = lookupSymbol(module, "self");
  Attribute root = self && self->is(OpId::ModuleConst) ? self->getAttr("value")
                                                       : Attribute();
  bool bundled = false;
  for (FuncOp func : getFunctions(module)) {
    llvm::StringRef name = func.getName();
    bundled |= name == "_generate_bundled_inputs_for_forward" ||
               (root && root.is(Attribute::Kind::Object) &&
                name == (root.getObjectClass() +
                         "._generate_bundled_inputs_for_forward")
                            .str());
  }
  if (!bundled)
    lints.push_back(
        {"BUNDLED_INPUT",
         "No bundled input for forward, please add bundled inputs before "
         "saving the module using "
         "torch.utils.bundled_inputs.augment_model_with_bundled_inputs."});
  if (root && root.is(Attribute::Kind::Object) && !root.hasObjectState()) {
    llvm::StringSet<> seen;
    std::vector<std::string> params;
    collectParameters(module, root, "", seen, params);
    for (const std::string &p : params)
      lints.push_back(
          {"REQUIRES_GRAD",
           "Param " + p +
               " requires grad, please set torch.no_grad() to reduce memory "
               "usage and improve computation speed during inference phase."});
  }
  // The ops the code can reach once constant attributes are known (an
  // `if self.inplace:` branch that never runs does not count), as
  // export_opnames sees them.
  PassManagerOptions options;
  options.verifyEach = false;
  PassManager pm(options);
  if (!pm.addPipeline("freeze,inline,canonicalize,dce").empty() ||
      failed(pm.run(module)))
    return lints;
  std::set<std::string> opNames;
  module->walk([&](Operation *op) {
    llvm::StringRef name = op->getName();
    if (name.startswith("aten.") || name.startswith("prim.") ||
        name.startswith("prepacked.") || name.startswith("quantized."))
      opNames.insert(
          (name.split('.').first + "::" + name.split('.').second).str());
  });
  for (const std::string &op : opNames) {
    if (llvm::StringRef(op).contains("dropout"))
      lints.push_back(
          {"DROPOUT", "Operator " + op +
                          " exists, remember to call eval() before saving "
                          "the module.and call "
                          "torch.utils.mobile_optimizer.optimize_for_mobile "
                          "to drop dropout operator."});
    if (llvm::StringRef(op).contains("batch_norm"))
      lints.push_back(
          {"BATCHNORM", "Operator " + op +
                            " exists, remember to call eval() before saving "
                            "the module and call "
                            "torch.utils.mobile_optimizer.optimize_for_mobile "
                            "to drop batch_norm operator."});
  }
  return lints;
}
