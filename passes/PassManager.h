//===- PassManager.h - Running pipelines of passes --------------*- C++ -*-===//
#ifndef IRC_PASSES_PASSMANAGER_H
#define IRC_PASSES_PASSMANAGER_H

#include "ir/AsmPrinter.h"
#include "passes/Pass.h"

namespace irc {

struct PassManagerOptions {
  /// Verify the module after every pass (on by default: a pass that breaks
  /// the IR is caught where it happens).
  bool verifyEach = true;
  bool printIRAfterAll = false;
  /// Pass arguments to print the IR before / after.
  std::vector<std::string> printIRBefore, printIRAfter;
  bool timePasses = false;
  bool statistics = false;
  PrintOptions printOptions;
};

class PassManager {
public:
  explicit PassManager(PassManagerOptions options = {})
      : options(std::move(options)) {}

  void addPass(std::unique_ptr<Pass> pass) {
    passes.push_back(std::move(pass));
  }
  /// Appends the passes of a pipeline string such as
  /// `canonicalize,unroll-constant-loops{max-trip-count=4},cse`. On error
  /// returns a message and adds nothing.
  std::string addPipeline(llvm::StringRef pipeline);
  llvm::ArrayRef<std::unique_ptr<Pass>> getPasses() const { return passes; }

  /// Runs every pass on `module`; IR dumps, timings and statistics go to
  /// `log` (stderr by default).
  LogicalResult run(Operation *module, llvm::raw_ostream &log = llvm::errs());

private:
  PassManagerOptions options;
  std::vector<std::unique_ptr<Pass>> passes;
};

} // namespace irc

#endif // IRC_PASSES_PASSMANAGER_H
