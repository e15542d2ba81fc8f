//===- Diagnostics.h - Errors, warnings and notes at locations --*- C++ -*-===//
//
// Diagnostics are reported through the Context's DiagnosticEngine. Tools
// install a SourceMgrDiagnosticHandler (prints `file:line:col: error: ...`
// with the source line) or a SourceMgrDiagnosticVerifier (checks
// `expected-error` comments for --verify-diagnostics).
//
//===----------------------------------------------------------------------===//
#ifndef IRC_IR_DIAGNOSTICS_H
#define IRC_IR_DIAGNOSTICS_H

#include "ir/Attributes.h"
#include "ir/Location.h"
#include "ir/Support.h"
#include "ir/Types.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/raw_ostream.h"
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace llvm {
class SourceMgr;
}

namespace irc {
class Context;

enum class Severity { Error, Warning, Note, Remark };

struct Diagnostic {
  Location loc;
  Severity severity;
  std::string message;
  std::vector<Diagnostic> notes;
};

/// A diagnostic being built; it is emitted when it goes out of scope.
/// Converts to failure() so that `return op->emitError() << "...";` works.
class InFlightDiagnostic {
public:
  InFlightDiagnostic(Context &ctx, Location loc, Severity sev);
  InFlightDiagnostic(InFlightDiagnostic &&other);
  InFlightDiagnostic(const InFlightDiagnostic &) = delete;
  ~InFlightDiagnostic();

  template <typename T> InFlightDiagnostic &operator<<(const T &v) {
    llvm::raw_string_ostream os(diag->message);
    os << v;
    return *this;
  }
  InFlightDiagnostic &operator<<(Type t);
  InFlightDiagnostic &operator<<(Attribute a);
  /// Attach a note at another location.
  InFlightDiagnostic &attachNote(Location loc, const llvm::Twine &msg);

  operator LogicalResult() const { return failure(); }

private:
  Context *ctx;
  std::unique_ptr<Diagnostic> diag;
};

class DiagnosticEngine {
public:
  using Handler = std::function<void(const Diagnostic &)>;
  /// Installs a handler; returns the previous one so RAII handlers can
  /// restore it.
  Handler setHandler(Handler h);
  void emit(const Diagnostic &d);
  unsigned getNumErrors() const { return numErrors; }

private:
  Handler handler;
  unsigned numErrors = 0;
};

/// Prints diagnostics as `file:line:col: error: msg`, with the source line
/// and a caret when the location falls inside a buffer of `mgr`.
class SourceMgrDiagnosticHandler {
public:
  SourceMgrDiagnosticHandler(llvm::SourceMgr &mgr, Context &ctx,
                             llvm::raw_ostream &os = llvm::errs());
  ~SourceMgrDiagnosticHandler();
  void print(const Diagnostic &d);

private:
  llvm::SourceMgr &mgr;
  Context &ctx;
  llvm::raw_ostream &os;
  DiagnosticEngine::Handler previous;
};

/// Checks emitted diagnostics against `// expected-error {{text}}` comments
/// (also expected-warning, expected-note, expected-remark). `@+N`, `@-N` and
/// `@above`/`@below` move the expected line. Every diagnostic must be
/// expected and every expectation met.
class SourceMgrDiagnosticVerifier {
public:
  SourceMgrDiagnosticVerifier(llvm::SourceMgr &mgr, Context &ctx,
                              llvm::raw_ostream &os = llvm::errs());
  ~SourceMgrDiagnosticVerifier();
  /// Reports unmet expectations; fails if any diagnostic was unexpected or
  /// any expectation unmet.
  LogicalResult verify();

private:
  struct Expected;
  void handle(const Diagnostic &d);
  llvm::SourceMgr &mgr;
  Context &ctx;
  llvm::raw_ostream &os;
  std::vector<Expected> expected;
  bool sawUnexpected = false;
  DiagnosticEngine::Handler previous;
  std::unique_ptr<SourceMgrDiagnosticHandler> printer;
};

} // namespace irc

#endif // IRC_IR_DIAGNOSTICS_H
