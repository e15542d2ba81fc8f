//===- Importer.h - TorchScript archive to IR -------------------*- C++ -*-===//
//
// Emits the IR of a TorchScript archive read by ArchiveReader:
//
//  - the pickled module tree becomes module-level constants, one per object
//    and per tensor, named by attribute path (`@self`, `@self.conv1`,
//    `@self.conv1.weight`); tensors refer to their storage records in the
//    weight store (`blob<"data/0">`), mapped, never copied; constants.pkl
//    entries become `@c<k>`;
//  - each method used becomes a private function `@"<class>.<method>"`
//    whose first argument is the object (`prim.get_attr`, `prim.set_attr`
//    and `prim.call_method` act on it), each TorchScript function a private
//    function `@"<qualified name>"`;
//  - each method of the root module becomes a public function of the same
//    name (`@forward`) that calls it on `@self`.
//
// Control flow stays structured: `if` gives `prim.if` yielding the
// variables both branches assign, `for ... in range` and `while` give
// `prim.loop` carrying the variables the body assigns. Calls of aten and
// prim operators are resolved against the op tables' schemas. Unsupported
// operators are all reported, each at its `code/...py:line:col`.
//
//===----------------------------------------------------------------------===//
#ifndef IRC_FRONTEND_IMPORTER_H
#define IRC_FRONTEND_IMPORTER_H

#include "frontend/ArchiveReader.h"
#include "ir/Module.h"
#include <optional>

namespace irc {

/// Whether `path` is a TorchScript archive (by extension, or a zip by its
/// first bytes) rather than IR text.
bool isTorchScriptArchive(llvm::StringRef path);

/// Reads and imports the archive at `path`. Code files are added to
/// `sources` for diagnostics. Reports errors and returns nullopt on failure.
std::optional<Module> importTorchScript(llvm::StringRef path, Context &ctx,
                                        llvm::SourceMgr &sources);

/// Imports an archive already read.
std::optional<Module> importArchive(LoadedArchive &archive, Context &ctx,
                                    llvm::SourceMgr &sources);

} // namespace irc

#endif // IRC_FRONTEND_IMPORTER_H
