//===- ArchiveFuzzer.cpp - Importing a whole archive ----------------------===//
//
// Imports the input as a TorchScript archive (zip, pickles, code, storages)
// and freezes what imports, as irc-run does.
//
//===----------------------------------------------------------------------===//
#include "FuzzContext.h"
#include "frontend/Importer.h"
#include "passes/PassManager.h"
#include "llvm/Support/SourceMgr.h"

using namespace irc;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  auto ctx = fuzz::quietContext();
  const std::string &path = fuzz::scratchFile(data, size, ".pt");
  llvm::SourceMgr sources;
  std::optional<Module> module = importTorchScript(path, *ctx, sources);
  if (!module)
    return 0;
  PassManager pm;
  if (pm.addPipeline("freeze").empty())
    (void)pm.run(module->getOperation(), llvm::nulls());
  return 0;
}
