//===- RefCompletenessTest.cpp - Every imported op has a reference kernel -===//
//
// The reference backend implements every op the op tables define (what the
// importer can produce), except the structural ops that lowering itself
// handles and the ops listed below with the reason they have no kernel.
//
//===----------------------------------------------------------------------===//

#include "KernelTestUtils.h"
#include "ir/OpDefinition.h"

#include <set>

namespace {

TEST(RefCompleteness, EveryTableOpHasAReferenceKernel) {
  // Lowered to plan structure, not kernels.
  const std::set<std::string> structural = {
      "module", "func", "return", "call", "constant", "const",
      "prim.if", "prim.loop", "prim.yield",
      // Runs its region's ops in place where the backend has no kernel.
      "xnn.partition", "vk.partition"};
  // No kernel, on purpose.
  const std::set<std::string> without = {
      // Method calls on objects are resolved by `freeze` before lowering.
      "prim.call_method",
  };
  std::vector<std::string> missing;
  for (const irc::OpInfo &info : irc::getRegisteredOps()) {
    std::string name = info.name.str();
    if (structural.count(name) || without.count(name))
      continue;
    // Quantized kernels (packed int8 weights) come with quantization
    // support; a model using them fails to lower with the op named.
    if (info.getNamespace() == "quantized")
      continue;
    if (!irc::test::referenceRegistry().lookup(irc::rt::ref::Backend, name))
      missing.push_back(name);
  }
  EXPECT_TRUE(missing.empty()) << "ops without a reference kernel: " << [&] {
    std::string s;
    for (const std::string &m : missing)
      s += m + " ";
    return s;
  }();
}

} // namespace
