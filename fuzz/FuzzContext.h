//===- FuzzContext.h - A quiet IR context for fuzz targets ------*- C++ -*-===//
#ifndef IRC_FUZZ_FUZZCONTEXT_H
#define IRC_FUZZ_FUZZCONTEXT_H

#include "FuzzCommon.h"
#include "ir/Context.h"
#include "ir/Diagnostics.h"

namespace irc::fuzz {

/// A context whose diagnostics go nowhere (the fuzzer's output stays
/// readable; errors are the expected outcome), with input limits small
/// enough that every input runs well within the 10 s timeout under the
/// sanitizers. Larger inputs hit a limit, an error path worth fuzzing too.
/// (A valid million-element list literal, a hostile-corpus control, takes
/// over 10 s to import and freeze under ASan.)
inline std::unique_ptr<Context> quietContext() {
  auto ctx = std::make_unique<Context>();
  ctx->getDiagEngine().setHandler([](const Diagnostic &) {});
  InputLimits limits;
  limits.maxCodeBytes = 1 << 20;
  limits.maxInflatedBytes = 16 << 20;
  limits.maxPickleValues = 1 << 16;
  ctx->setInputLimits(limits);
  return ctx;
}

} // namespace irc::fuzz

#endif // IRC_FUZZ_FUZZCONTEXT_H
