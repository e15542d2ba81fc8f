//===- AsmPrinter.h - Printing IR as text -----------------------*- C++ -*-===//
#ifndef IRC_IR_ASMPRINTER_H
#define IRC_IR_ASMPRINTER_H

#include "llvm/Support/raw_ostream.h"

namespace irc {
class Operation;

struct PrintOptions {
  /// Print every op in the generic form `"name"(...) ... : (...) -> (...)`.
  bool genericForm = false;
  /// Append `loc(...)` to every op.
  bool printLocations = false;
  /// Print large dense constants as `dense<elided>` and omit blob bytes.
  bool elideLargeConstants = false;
  /// Dense constants with more elements print as hex; elided above this too.
  unsigned largeConstantThreshold = 16;
};

/// Prints a `module` op as a file (its functions and constants, then the
/// bytes of the blobs they reference), or any other op on its own.
void printOp(const Operation *op, llvm::raw_ostream &os,
             const PrintOptions &opts = {});

} // namespace irc

#endif // IRC_IR_ASMPRINTER_H
