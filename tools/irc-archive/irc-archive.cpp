//===- irc-archive.cpp - Inspect a TorchScript archive
//---------------------===//
//
// Shows what irc reads from a `.pt` archive: its records, file-format
// version, the module object of data.pkl and the constants of
// constants.pkl. It parses the code files too, so it exits 1 with one error
// when any part of the archive is malformed.
//
//===----------------------------------------------------------------------===//
#include "frontend/ArchiveReader.h"
#include "tools/driver/LimitOptions.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/WithColor.h"

using namespace irc;
namespace cl = llvm::cl;

static cl::opt<std::string> inputPath(cl::Positional, cl::desc("<model.pt>"),
                                      cl::Required);
static cl::opt<bool> listRecords("records",
                                 cl::desc("List the zip records with their "
                                          "offsets and sizes"));

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(argc, argv,
                              "irc-archive: inspect a TorchScript archive\n");
  Context ctx;
  ctx.setInputLimits(getLimitOptions());
  llvm::SourceMgr sources;
  SourceMgrDiagnosticHandler diagnostics(sources, ctx);
  std::optional<LoadedArchive> loaded = readArchive(inputPath, ctx, sources);
  if (!loaded)
    return 1;
  llvm::raw_ostream &os = llvm::outs();
  Archive &archive = *loaded->archive;
  os << "archive: " << archive.getPath() << "\nfolder: " << archive.getPrefix()
     << "/\nversion: " << loaded->version << '\n';
  if (listRecords) {
    os << "records:\n";
    for (const Archive::Record &r : archive.getRecords())
      os << "  " << r.name << (r.compressed ? " deflated " : " stored ")
         << r.size << " bytes at " << r.dataOffset << '\n';
  }
  os << "code:\n";
  for (const std::string &name : loaded->codeFiles)
    os << "  " << name << '\n';
  os << "data: ";
  printPickleValue(*loaded->data, os);
  os << "\nconstants: ";
  printPickleValue(*loaded->constants, os);
  os << '\n';
  return 0;
}
