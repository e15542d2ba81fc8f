//===- TorchScriptFuzzer.cpp - TorchScript lexer, parser and emitter ------===//
//
// Puts the input as the code file of the smallest scripted module (class M
// with a forward) in an otherwise valid archive and imports it: the lexer,
// the parser (nesting limits), the call resolver and the emitter see it.
//
//===----------------------------------------------------------------------===//
#include "FuzzContext.h"
#include "frontend/Importer.h"
#include "ir/Verifier.h"
#include "llvm/Support/SourceMgr.h"

using namespace irc;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  auto ctx = fuzz::quietContext();
  std::string archive = fuzz::minimalArchive(
      std::string(reinterpret_cast<const char *>(data), size),
      fuzz::minimalDataPkl());
  const std::string &path =
      fuzz::scratchFile(archive.data(), archive.size(), ".pt");
  llvm::SourceMgr sources;
  if (std::optional<Module> module = importTorchScript(path, *ctx, sources))
    (void)verify(module->getOperation());
  return 0;
}
