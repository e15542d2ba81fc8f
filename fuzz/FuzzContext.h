//===- FuzzContext.h - A quiet IR context for fuzz targets ------*- C++ -*-===//
#ifndef IRC_FUZZ_FUZZCONTEXT_H
#define IRC_FUZZ_FUZZCONTEXT_H

#include "FuzzCommon.h"
#include "ir/Context.h"
#include "ir/Diagnostics.h"

namespace irc::fuzz {

/// A context whose diagnostics go nowhere (the fuzzer's output stays
/// readable; errors are the expected outcome).
inline std::unique_ptr<Context> quietContext() {
  auto ctx = std::make_unique<Context>();
  ctx->getDiagEngine().setHandler([](const Diagnostic &) {});
  return ctx;
}

} // namespace irc::fuzz

#endif // IRC_FUZZ_FUZZCONTEXT_H
