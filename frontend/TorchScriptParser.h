//===- TorchScriptParser.h - Parsing printed TorchScript --------*- C++ -*-===//
//
// Parses one `code/**.py` file of a TorchScript archive into the syntax tree
// of TorchScriptAST.h. The accepted language is the subset the TorchScript
// printer writes (pytorch-reference.md §2.7), plus a few forms accepted
// defensively: `elif`, a missing `else`, `break`/`continue`, a statement on
// the line of its `if`, single-quoted strings and `#` comments.
//
//===----------------------------------------------------------------------===//
#ifndef IRC_FRONTEND_TORCHSCRIPTPARSER_H
#define IRC_FRONTEND_TORCHSCRIPTPARSER_H

#include "frontend/TorchScriptAST.h"
#include "ir/Location.h"
#include <optional>

namespace llvm {
class SourceMgr;
}

namespace irc {
class Context;

namespace ts {

/// Parses buffer `bufferId` of `mgr`, whose identifier is the archive-relative
/// path (`code/__torch__/torchvision/models/resnet.py`). Reports the first
/// error as `path:line:col: error: ...` through ctx's DiagnosticEngine and
/// returns nullopt. The File refers into the buffer, which must outlive it.
/// Blocks and expressions nested (together) deeper than the context's
/// maxNesting are reported, not parsed, so that hostile files cannot exhaust
/// the stack of the parser or of later tree walks.
std::optional<File> parseFile(llvm::SourceMgr &mgr, unsigned bufferId,
                              Context &ctx);

/// The `path:line:col` location of `loc`, a pointer into one of the buffers
/// of `mgr` (unknown when it is in none of them). For the emitter to turn
/// node locations into IR locations.
Location getLocation(const llvm::SourceMgr &mgr, llvm::SMLoc loc, Context &ctx);

} // namespace ts
} // namespace irc

#endif // IRC_FRONTEND_TORCHSCRIPTPARSER_H
