//===- MobilePipeline.cpp - The --optimize-for-mobile pipeline ------------===//
#include "passes/MobilePipeline.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

using namespace irc;

static const llvm::StringRef BlocklistNames[] = {
    "conv-bn-fusion",
    "insert-fold-prepack-ops",
    "remove-dropout",
    "fuse-add-relu",
    "hoist-conv-packed-params",
    "conv-1d-to-2d",
    "vulkan-automatic-gpu-transfer"};

llvm::ArrayRef<llvm::StringRef> irc::getMobileBlocklistNames() {
  return BlocklistNames;
}

std::string irc::buildMobilePipeline(llvm::StringRef backend,
                                     llvm::ArrayRef<std::string> blocklist,
                                     std::string &error,
                                     llvm::ArrayRef<std::string> preserved) {
  if (backend != "cpu" && backend != "vulkan") {
    error = "unknown mobile backend '" + backend.str() +
            "' (expected cpu or vulkan)";
    return "";
  }
  for (const std::string &name : blocklist)
    if (!llvm::is_contained(BlocklistNames, name)) {
      error = "unknown --mobile-blocklist entry '" + name + "' (expected " +
              llvm::join(getMobileBlocklistNames(), ", ") + ")";
      return "";
    }
  auto on = [&](llvm::StringRef name) {
    return !llvm::is_contained(blocklist, name);
  };
  bool vulkan = backend == "vulkan";
  llvm::SmallVector<std::string, 32> steps;
  auto add = [&](llvm::StringRef pass) { steps.push_back(pass.str()); };
  std::string freeze =
      preserved.empty()
          ? "freeze"
          : "freeze{preserve-methods=" + llvm::join(preserved, ";") + "}";
  // Clean-up as PyTorch's runOptimization does (constant pooling is cse).
  auto cleanup = [&] {
    for (llvm::StringRef p : {"dce", "cse", "canonicalize",
                              "unroll-constant-loops", "canonicalize", "cse"})
      add(p);
  };
  // A model PyTorch already optimized is unpacked, then optimized again.
  add("unpack-prepacked");
  add(freeze);
  add("inline");
  cleanup();
  // Frozen weights are cast to the declared `tensor`: give them their static
  // types back, which the rewrites below check.
  add("infer-shapes");
  if (on("conv-1d-to-2d"))
    add("conv1d-to-conv2d");
  if (on("conv-bn-fusion")) {
    add("fold-conv-bn");
    add("fold-linear-bn");
  }
  if (on("insert-fold-prepack-ops")) {
    add(vulkan ? "insert-prepack{backend=vulkan}" : "insert-prepack");
    add("fuse-clamp");
    add("fold-prepack");
  }
  if (on("hoist-conv-packed-params"))
    add("hoist-packed-params");
  // As PyTorch freezes again after prepacking: module constants nothing
  // refers to any more (weights before folding, BatchNorm statistics) go.
  add(freeze);
  if (on("remove-dropout"))
    add("remove-dropout");
  cleanup();
  // No _add_relu shader exists: PyTorch's Vulkan pipeline has no such step.
  if (!vulkan && on("fuse-add-relu"))
    add("fuse-add-relu");
  if (vulkan && on("vulkan-automatic-gpu-transfer"))
    add("vulkan-automatic-gpu-transfer");
  add("dce");
  return llvm::join(steps, ",");
}
