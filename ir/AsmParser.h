//===- AsmParser.h - Parsing the IR text form -------------------*- C++ -*-===//
#ifndef IRC_IR_ASMPARSER_H
#define IRC_IR_ASMPARSER_H

#include "ir/Module.h"
#include <optional>

namespace llvm {
class SourceMgr;
}

namespace irc {

/// Parses the main buffer of `mgr` as a module. On error, reports one
/// diagnostic at `file:line:col` through the context and returns nullopt.
/// The context's input limits bound nesting and blob sizes.
std::optional<Module> parseSourceFile(llvm::SourceMgr &mgr, Context &ctx);
/// Parses a string (named `<string>` in diagnostics).
std::optional<Module> parseSourceString(llvm::StringRef text, Context &ctx);
/// Parses a type (for tests and tools).
Type parseType(llvm::StringRef text, Context &ctx);

} // namespace irc

#endif // IRC_IR_ASMPARSER_H
