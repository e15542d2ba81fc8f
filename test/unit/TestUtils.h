//===- TestUtils.h - Helpers shared by the unit tests -----------*- C++ -*-===//
#ifndef IRC_TEST_UNIT_TESTUTILS_H
#define IRC_TEST_UNIT_TESTUTILS_H

#include "ir/Block.h"
#include "ir/Context.h"
#include "ir/Location.h"
#include "ir/Region.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"
#include "gtest/gtest.h"
#include <cstdio>
#include <string>
#include <vector>

namespace irc::test {

/// A path for a temporary file of a test, unique to this process: ctest runs
/// each test in a process of its own, several at once, and a file one
/// process writes (a valid model to damage, say) must not be rewritten by
/// another while it reads it.
inline std::string tempPath(const std::string &name) {
  return testing::TempDir() + "irc-" +
         std::to_string(llvm::sys::Process::getProcessId()) + "-" + name;
}

/// A tempPath() file that is removed when this goes out of scope (at exit
/// for a static one), so that test runs leave nothing behind.
class TempFile {
public:
  explicit TempFile(const std::string &name) : path(tempPath(name)) {}
  TempFile(TempFile &&other) : path(std::move(other.path)) {
    other.path.clear();
  }
  TempFile(const TempFile &) = delete;
  TempFile &operator=(const TempFile &) = delete;
  ~TempFile() {
    if (!path.empty())
      std::remove(path.c_str());
  }
  const std::string &str() const { return path; }
  const char *c_str() const { return path.c_str(); }

private:
  std::string path;
};

/// Collects the context's diagnostics while alive instead of printing them.
struct DiagCapture {
  explicit DiagCapture(Context &ctx) : ctx(ctx) {
    previous = ctx.getDiagEngine().setHandler(
        [this](const Diagnostic &d) { diags.push_back(d); });
  }
  ~DiagCapture() { ctx.getDiagEngine().setHandler(previous); }
  /// The errors as `file:line:col: error: message` lines.
  std::string str() const {
    std::string out;
    llvm::raw_string_ostream os(out);
    for (const Diagnostic &d : diags) {
      std::string prefix;
      llvm::raw_string_ostream ps(prefix);
      d.loc.printPrefix(ps);
      os << prefix << (prefix.empty() ? "" : ": ")
         << (d.severity == Severity::Error ? "error: " : "note: ") << d.message
         << '\n';
    }
    return out;
  }
  Context &ctx;
  DiagnosticEngine::Handler previous;
  std::vector<Diagnostic> diags;
};

/// The value named `%name` (by name hint) anywhere under `root`.
inline Value *lookup(Operation *root, llvm::StringRef name) {
  Value *found = nullptr;
  root->walkPreOrder([&](Operation *op) {
    for (Value *r : op->getResults())
      if (r->getNameHint() == name)
        found = r;
    for (unsigned i = 0; i < op->getNumRegions(); ++i)
      for (Block &block : op->getRegion(i))
        for (Value *a : block.getArguments())
          if (a->getNameHint() == name)
            found = a;
  });
  EXPECT_TRUE(found) << "no value %" << name.str();
  return found;
}

} // namespace irc::test

#endif
