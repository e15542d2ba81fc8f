//===- ArchiveReader.h - The records of a TorchScript archive ---*- C++ -*-===//
//
// Opens a `.pt` (torch.jit.save) or `.ptl` (lite interpreter) archive and
// reads what the importer needs: the file-format version, the module object
// from data.pkl, the constants tuple from constants.pkl (storages mapped in
// place) and the parsed code files.
//
//===----------------------------------------------------------------------===//
#ifndef IRC_FRONTEND_ARCHIVEREADER_H
#define IRC_FRONTEND_ARCHIVEREADER_H

#include "frontend/Archive.h"
#include "frontend/TorchScriptAST.h"
#include "frontend/Unpickler.h"

namespace llvm {
class SourceMgr;
}

namespace irc {

/// The file-format versions PyTorch 1.13 reads and writes.
constexpr int64_t kMinArchiveVersion = 3, kMaxArchiveVersion = 10;

struct LoadedArchive {
  std::unique_ptr<Archive> archive;
  int64_t version = 0;
  /// The root module object.
  PickleValuePtr data;
  /// The tuple `CONSTANTS.c<k>` index.
  PickleValuePtr constants;
  /// The TorchScript sources, parsed; their buffers are in the SourceMgr
  /// given to readArchive, named by record (`code/__torch__/m.py`).
  std::vector<std::string> codeFiles;
  std::vector<ts::File> code;
  /// The classes the code defines, by qualified name
  /// (`__torch__.torchvision.models.resnet.ResNet`).
  llvm::StringMap<const ts::ClassDef *> classes;
};

/// Reads `path`, adding the code files to `sources` (so that diagnostics
/// in them can show the line). On error reports one diagnostic and returns
/// nullopt.
std::optional<LoadedArchive> readArchive(llvm::StringRef path, Context &ctx,
                                         llvm::SourceMgr &sources);

} // namespace irc

#endif // IRC_FRONTEND_ARCHIVEREADER_H
