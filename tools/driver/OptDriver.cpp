//===- OptDriver.cpp - irc-opt: read IR, run passes, print IR -------------===//
//
// Reads a .irc file (or stdin), optionally splits it into independent chunks
// at `// -----` lines, parses and verifies each, runs the pass pipeline and
// prints the result. With --verify-diagnostics the diagnostics must match the
// file's `expected-*` comments instead of being printed.
//
//===----------------------------------------------------------------------===//
#include "tools/driver/OptDriver.h"
#include "frontend/Importer.h"
#include "ir/AsmParser.h"
#include "ir/AsmPrinter.h"
#include "passes/MobileLints.h"
#include "passes/MobilePipeline.h"
#include "passes/PassManager.h"
#include "tools/driver/LimitOptions.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace irc;
namespace cl = llvm::cl;
using llvm::StringRef;

namespace {
cl::OptionCategory toolCategory("irc-opt options");
cl::OptionCategory passCategory("Passes (in the order given)");

cl::opt<std::string> inputFile(cl::Positional, cl::desc("<input .irc file>"),
                               cl::init("-"), cl::cat(toolCategory));
cl::opt<std::string> outputFile("o", cl::desc("Output file (default stdout)"),
                                cl::value_desc("file"), cl::init("-"),
                                cl::cat(toolCategory));
cl::opt<bool> splitInputFile(
    "split-input-file",
    cl::desc("Process each chunk between '// -----' lines on its own"),
    cl::cat(toolCategory));
cl::opt<bool> verifyDiagnostics(
    "verify-diagnostics",
    cl::desc("Check diagnostics against expected-* comments in the input"),
    cl::cat(toolCategory));
cl::opt<std::string>
    passPipeline("pass-pipeline",
                 cl::desc("Passes to run, e.g. 'canonicalize,cse'"),
                 cl::value_desc("pipeline"), cl::cat(toolCategory));
cl::opt<bool> verifyEach("verify-each",
                         cl::desc("Verify the IR after each pass (default on)"),
                         cl::init(true), cl::cat(toolCategory));
cl::opt<bool>
    printIRAfterAll("print-ir-after-all",
                    cl::desc("Print the IR to stderr after each pass"),
                    cl::cat(toolCategory));
cl::list<std::string>
    printIRBefore("print-ir-before",
                  cl::desc("Print the IR to stderr before the named passes"),
                  cl::CommaSeparated, cl::value_desc("pass"),
                  cl::cat(toolCategory));
cl::list<std::string> printIRAfter(
    "print-ir-after", cl::desc("Print the IR to stderr after the named passes"),
    cl::CommaSeparated, cl::value_desc("pass"), cl::cat(toolCategory));
cl::opt<bool> timePasses("time-passes",
                         cl::desc("Report the time each pass takes"),
                         cl::cat(toolCategory));
cl::opt<bool> passStatistics("pass-statistics",
                             cl::desc("Report each pass's statistics"),
                             cl::cat(toolCategory));
cl::list<std::string> preserveMethods(
    "preserve-method",
    cl::desc("Keep this method of the root module when freezing (forward "
             "is always kept); may be repeated"),
    cl::cat(toolCategory));
cl::opt<std::string> optimizeForMobile(
    "optimize-for-mobile",
    cl::desc("Run PyTorch's optimize_for_mobile as irc passes, for the cpu "
             "(XNNPACK, the default) or vulkan backend, before any pass flag"),
    cl::ValueOptional, cl::value_desc("cpu|vulkan"), cl::cat(toolCategory));
cl::list<std::string> mobileBlocklist(
    "mobile-blocklist",
    cl::desc("Skip these steps of --optimize-for-mobile: conv-bn-fusion, "
             "insert-fold-prepack-ops, remove-dropout, fuse-add-relu, "
             "hoist-conv-packed-params, conv-1d-to-2d, "
             "vulkan-automatic-gpu-transfer"),
    cl::CommaSeparated, cl::value_desc("step"), cl::cat(toolCategory));
cl::opt<bool> mobileLints(
    "mobile-lints",
    cl::desc("Print PyTorch's mobile lints for the model (after any passes) "
             "instead of the IR: BUNDLED_INPUT, REQUIRES_GRAD, DROPOUT, "
             "BATCHNORM"),
    cl::cat(toolCategory));
cl::opt<bool> elideLargeConstants(
    "elide-large-constants",
    cl::desc("Print large dense constants as dense<elided>, omit blob data "
             "(the default for .pt input)"),
    cl::cat(toolCategory));
cl::opt<bool> printDebugInfo("print-debuginfo",
                             cl::desc("Print each op's location"),
                             cl::cat(toolCategory));
cl::opt<bool> printOpGeneric("print-op-generic",
                             cl::desc("Print every op in the generic form"),
                             cl::cat(toolCategory));
cl::opt<bool> allowUnregistered(
    "allow-unregistered-ops",
    cl::desc("Accept ops that no op table defines (for tests)"),
    cl::cat(toolCategory));
cl::opt<bool> listPasses("list-passes",
                         cl::desc("List the registered passes and exit"),
                         cl::cat(toolCategory));

/// One `--<pass>[=options]` flag per registered pass; the flags' positions
/// on the command line give the pipeline order.
struct PassFlags {
  PassFlags() {
    for (const PassInfo &info : getRegisteredPasses())
      flags.push_back(std::make_unique<cl::list<std::string>>(
          info.argument, cl::desc(info.summary), cl::ValueOptional,
          cl::value_desc("opt=value,..."), cl::cat(passCategory)));
  }
  /// The pipeline string the flags spell, in command-line order.
  std::string pipeline() const {
    std::vector<std::pair<unsigned, std::string>> items;
    auto passes = getRegisteredPasses();
    for (unsigned p = 0; p < passes.size(); ++p)
      for (unsigned i = 0; i < flags[p]->size(); ++i) {
        std::string item = passes[p].argument.str();
        if (!(*flags[p])[i].empty())
          item += "{" + (*flags[p])[i] + "}";
        items.push_back({flags[p]->getPosition(i), item});
      }
    llvm::sort(items);
    std::string out;
    for (auto &item : items)
      out += (out.empty() ? "" : ",") + item.second;
    return out;
  }
  bool any() const {
    return llvm::any_of(flags, [](auto &f) { return !f->empty(); });
  }
  std::vector<std::unique_ptr<cl::list<std::string>>> flags;
};

/// Splits `text` at `// -----` lines. Each chunk keeps its line numbers by
/// being padded with the newlines of everything before it.
std::vector<std::string> splitChunks(StringRef text) {
  std::vector<std::string> chunks;
  std::string current;
  unsigned lineNo = 0;
  while (!text.empty()) {
    auto [line, rest] = text.split('\n');
    text = rest;
    ++lineNo;
    if (line.trim() == "// -----") {
      chunks.push_back(std::move(current));
      current = std::string(lineNo, '\n');
      continue;
    }
    current += line.str() + "\n";
  }
  chunks.push_back(std::move(current));
  return chunks;
}

/// Reads (or imports, for an archive at `archivePath`), transforms and
/// prints one chunk. Returns false on failure.
bool processChunk(std::unique_ptr<llvm::MemoryBuffer> buffer,
                  const std::string &pipeline, llvm::raw_ostream &out,
                  StringRef archivePath = "") {
  llvm::SourceMgr mgr;
  if (buffer)
    mgr.AddNewSourceBuffer(std::move(buffer), llvm::SMLoc());
  Context ctx;
  ctx.setAllowUnregisteredOps(allowUnregistered);
  ctx.setInputLimits(getLimitOptions());

  PrintOptions printOptions;
  // An imported model's weights are megabytes of hex: elide them unless
  // asked (--elide-large-constants=false).
  printOptions.elideLargeConstants = elideLargeConstants.getNumOccurrences()
                                         ? elideLargeConstants
                                         : !archivePath.empty();
  printOptions.printLocations = printDebugInfo;
  printOptions.genericForm = printOpGeneric;

  auto transform = [&]() -> bool {
    std::optional<Module> module =
        archivePath.empty() ? parseSourceFile(mgr, ctx)
                            : importTorchScript(archivePath, ctx, mgr);
    if (!module)
      return false;
    PassManagerOptions options;
    options.verifyEach = verifyEach;
    options.printIRAfterAll = printIRAfterAll;
    options.printIRBefore = printIRBefore;
    options.printIRAfter = printIRAfter;
    options.timePasses = timePasses;
    options.statistics = passStatistics;
    options.printOptions = printOptions;
    PassManager pm(options);
    if (std::string err = pm.addPipeline(pipeline); !err.empty()) {
      llvm::errs() << "irc-opt: error: " << err << '\n';
      return false;
    }
    // --preserve-method=NAME applies to every freeze in the pipeline.
    for (const std::string &method : preserveMethods)
      for (const std::unique_ptr<Pass> &pass : pm.getPasses())
        if (pass->getArgument() == "freeze")
          if (std::string err = pass->setOption("preserve-methods", method);
              !err.empty()) {
            llvm::errs() << "irc-opt: error: " << err << '\n';
            return false;
          }
    if (failed(pm.run(module->getOperation())))
      return false;
    if (mobileLints) {
      for (const MobileLint &lint : generateMobileLints(module->getOperation()))
        out << lint.name << ": " << lint.message << '\n';
      return true;
    }
    printOp(module->getOperation(), out, printOptions);
    return true;
  };

  if (!verifyDiagnostics) {
    SourceMgrDiagnosticHandler handler(mgr, ctx);
    return transform();
  }
  SourceMgrDiagnosticVerifier verifier(mgr, ctx);
  transform();
  return succeeded(verifier.verify());
}
} // namespace

int irc::ircOptMain(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  PassFlags passFlags;
  cl::HideUnrelatedOptions({&toolCategory, &passCategory, &getLimitCategory()});
  cl::ParseCommandLineOptions(
      argc, argv,
      "irc-opt: read irc IR, run passes, print IR\n\n"
      "  irc-opt input.irc --canonicalize --cse\n"
      "  irc-opt input.irc --pass-pipeline='inline,canonicalize,cse'\n");

  if (listPasses) {
    for (const PassInfo &info : getRegisteredPasses())
      llvm::outs() << info.argument << ": " << info.summary << '\n';
    return 0;
  }
  if (!passPipeline.empty() && passFlags.any()) {
    llvm::errs() << "irc-opt: error: use either --pass-pipeline or pass "
                    "flags, not both\n";
    return 1;
  }
  std::string pipeline =
      passPipeline.empty() ? passFlags.pipeline() : passPipeline.getValue();
  if (optimizeForMobile.getNumOccurrences()) {
    std::string error;
    std::string mobile = buildMobilePipeline(
        optimizeForMobile.empty() ? "cpu" : StringRef(optimizeForMobile),
        mobileBlocklist, error);
    if (!error.empty()) {
      llvm::errs() << "irc-opt: error: " << error << '\n';
      return 1;
    }
    pipeline = pipeline.empty() ? mobile : mobile + "," + pipeline;
  } else if (!mobileBlocklist.empty()) {
    llvm::errs() << "irc-opt: error: --mobile-blocklist needs "
                    "--optimize-for-mobile\n";
    return 1;
  }

  // A TorchScript archive is imported (and mapped, not read, here).
  if (isTorchScriptArchive(inputFile)) {
    std::error_code ec;
    llvm::ToolOutputFile output(outputFile, ec, llvm::sys::fs::OF_Text);
    if (ec) {
      llvm::errs() << "irc-opt: error: cannot write '" << outputFile
                   << "': " << ec.message() << '\n';
      return 1;
    }
    if (!processChunk(nullptr, pipeline, output.os(), inputFile))
      return 1;
    output.keep();
    return 0;
  }
  auto input = llvm::MemoryBuffer::getFileOrSTDIN(inputFile);
  if (std::error_code ec = input.getError()) {
    llvm::errs() << "irc-opt: error: cannot read '" << inputFile
                 << "': " << ec.message() << '\n';
    return 1;
  }
  std::error_code ec;
  llvm::ToolOutputFile output(outputFile, ec, llvm::sys::fs::OF_Text);
  if (ec) {
    llvm::errs() << "irc-opt: error: cannot write '" << outputFile
                 << "': " << ec.message() << '\n';
    return 1;
  }
  StringRef name = inputFile == "-" ? "<stdin>" : StringRef(inputFile);
  bool ok = true;
  if (!splitInputFile) {
    ok = processChunk(
        llvm::MemoryBuffer::getMemBufferCopy((*input)->getBuffer(), name),
        pipeline, output.os());
  } else {
    std::vector<std::string> chunks = splitChunks((*input)->getBuffer());
    for (unsigned i = 0; i < chunks.size(); ++i) {
      if (i)
        output.os() << "// -----\n";
      ok &= processChunk(llvm::MemoryBuffer::getMemBufferCopy(chunks[i], name),
                         pipeline, output.os());
    }
  }
  if (!ok)
    return 1;
  output.keep();
  return 0;
}
