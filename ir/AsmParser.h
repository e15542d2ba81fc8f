//===- AsmParser.h - Parsing the IR text form -------------------*- C++ -*-===//
#ifndef IRC_IR_ASMPARSER_H
#define IRC_IR_ASMPARSER_H

#include "ir/Module.h"
#include <optional>

namespace llvm {
class SourceMgr;
}

namespace irc {

struct ParseLimits {
  /// Deepest nesting of regions, types and attributes accepted.
  unsigned maxNesting = 256;
};

/// Parses the main buffer of `mgr` as a module. On error, reports one
/// diagnostic at `file:line:col` through the context and returns nullopt.
std::optional<Module> parseSourceFile(llvm::SourceMgr &mgr, Context &ctx,
                                      const ParseLimits &limits = {});
/// Parses a string (named `<string>` in diagnostics).
std::optional<Module> parseSourceString(llvm::StringRef text, Context &ctx);
/// Parses a type (for tests and tools).
Type parseType(llvm::StringRef text, Context &ctx);

} // namespace irc

#endif // IRC_IR_ASMPARSER_H
