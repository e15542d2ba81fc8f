//===- MobileLints.h - PyTorch's mobile module lints ------------*- C++ -*-===//
//
// torch.utils.mobile_optimizer.generate_mobile_module_lints, on irc's IR:
// what a model should fix before it ships to a phone.
//
//===----------------------------------------------------------------------===//
#ifndef IRC_PASSES_MOBILELINTS_H
#define IRC_PASSES_MOBILELINTS_H

#include "ir/Module.h"
#include <string>
#include <vector>

namespace irc {

struct MobileLint {
  /// PyTorch's LintCode name: BUNDLED_INPUT, REQUIRES_GRAD, DROPOUT or
  /// BATCHNORM.
  std::string name;
  std::string message;
};

/// The lints of `module`, in PyTorch's order and with its messages:
/// BUNDLED_INPUT when the root module has no
/// `_generate_bundled_inputs_for_forward` method; REQUIRES_GRAD for each
/// parameter (a tensor field of the module tree that requires grad) in
/// named_parameters() order; DROPOUT and BATCHNORM for each op whose name
/// contains "dropout" or "batch_norm", spelled as torch.jit.export_opnames
/// does (`aten::dropout`), sorted, of the code `module` runs once frozen:
/// this freezes `module` in place. A frozen or optimized module has no
/// parameters, so only what its code still calls is reported. Returns what
/// it found before a failure (freezing reports its own errors).
std::vector<MobileLint> generateMobileLints(Operation *module);

} // namespace irc

#endif // IRC_PASSES_MOBILELINTS_H
