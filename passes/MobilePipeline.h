//===- MobilePipeline.h - The --optimize-for-mobile pipeline ----*- C++ -*-===//
//
// PyTorch's optimize_for_mobile as a pass pipeline, in PyTorch's order
// (pytorch-reference.md §1.3 and §1.6), with freezing and inlining first:
// irc's passes work on frozen functions, where module attributes are
// constants. The blocklist names PyTorch's MobileOptimizerType members.
//
//===----------------------------------------------------------------------===//
#ifndef IRC_PASSES_MOBILEPIPELINE_H
#define IRC_PASSES_MOBILEPIPELINE_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include <string>

namespace irc {

/// The blocklist names, in PyTorch's enum order.
llvm::ArrayRef<llvm::StringRef> getMobileBlocklistNames();

/// The pipeline string for `backend` ("cpu" or "vulkan") without the
/// blocked steps; its freezes keep `preserved` methods besides forward. On
/// a bad backend or blocklist name, sets `error` and returns "".
std::string buildMobilePipeline(llvm::StringRef backend,
                                llvm::ArrayRef<std::string> blocklist,
                                std::string &error,
                                llvm::ArrayRef<std::string> preserved = {});

} // namespace irc

#endif // IRC_PASSES_MOBILEPIPELINE_H
