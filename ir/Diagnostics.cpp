//===- Diagnostics.cpp ----------------------------------------------------===//
#include "ir/Diagnostics.h"
#include "ir/Context.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/Regex.h"
#include "llvm/Support/SourceMgr.h"

using namespace irc;

InFlightDiagnostic::InFlightDiagnostic(Context &ctx, Location loc, Severity sev)
    : ctx(&ctx), diag(std::make_unique<Diagnostic>()) {
  diag->loc = loc;
  diag->severity = sev;
}

InFlightDiagnostic::InFlightDiagnostic(InFlightDiagnostic &&other)
    : ctx(other.ctx), diag(std::move(other.diag)) {}

InFlightDiagnostic::~InFlightDiagnostic() {
  if (diag)
    ctx->getDiagEngine().emit(*diag);
}

InFlightDiagnostic &InFlightDiagnostic::operator<<(Type t) {
  llvm::raw_string_ostream os(diag->message);
  os << '\'' << t << '\'';
  return *this;
}

InFlightDiagnostic &InFlightDiagnostic::operator<<(Attribute a) {
  llvm::raw_string_ostream os(diag->message);
  os << a;
  return *this;
}

InFlightDiagnostic &InFlightDiagnostic::attachNote(Location loc,
                                                   const llvm::Twine &msg) {
  Diagnostic note;
  note.loc = loc;
  note.severity = Severity::Note;
  note.message = msg.str();
  diag->notes.push_back(std::move(note));
  return *this;
}

DiagnosticEngine::Handler DiagnosticEngine::setHandler(Handler h) {
  std::swap(h, handler);
  return h;
}

static llvm::StringRef severityName(Severity s) {
  switch (s) {
  case Severity::Error:
    return "error";
  case Severity::Warning:
    return "warning";
  case Severity::Note:
    return "note";
  case Severity::Remark:
    return "remark";
  }
  return "";
}

static void printPlain(const Diagnostic &d, llvm::raw_ostream &os) {
  std::string prefix;
  llvm::raw_string_ostream ps(prefix);
  d.loc.printPrefix(ps);
  if (!prefix.empty())
    os << prefix << ": ";
  os << severityName(d.severity) << ": " << d.message << '\n';
  for (const Diagnostic &n : d.notes)
    printPlain(n, os);
}

void DiagnosticEngine::emit(const Diagnostic &d) {
  if (d.severity == Severity::Error)
    ++numErrors;
  if (handler) {
    handler(d);
    return;
  }
  printPlain(d, llvm::errs());
}

/// The buffer of `mgr` named like the location's file, and the SMLoc there.
static llvm::SMLoc findSMLoc(llvm::SourceMgr &mgr, Location loc) {
  Location f = loc.getFirstFileLoc();
  if (f.getKind() != Location::Kind::FileLineCol)
    return {};
  for (unsigned i = 1, e = mgr.getNumBuffers(); i <= e; ++i) {
    if (mgr.getMemoryBuffer(i)->getBufferIdentifier() != f.getFile())
      continue;
    return mgr.FindLocForLineAndColumn(i, f.getLine(), f.getColumn());
  }
  return {};
}

static llvm::SourceMgr::DiagKind toDiagKind(Severity s) {
  switch (s) {
  case Severity::Error:
    return llvm::SourceMgr::DK_Error;
  case Severity::Warning:
    return llvm::SourceMgr::DK_Warning;
  case Severity::Note:
    return llvm::SourceMgr::DK_Note;
  case Severity::Remark:
    return llvm::SourceMgr::DK_Remark;
  }
  return llvm::SourceMgr::DK_Error;
}

SourceMgrDiagnosticHandler::SourceMgrDiagnosticHandler(llvm::SourceMgr &mgr,
                                                       Context &ctx,
                                                       llvm::raw_ostream &os)
    : mgr(mgr), ctx(ctx), os(os) {
  previous =
      ctx.getDiagEngine().setHandler([this](const Diagnostic &d) { print(d); });
}

SourceMgrDiagnosticHandler::~SourceMgrDiagnosticHandler() {
  ctx.getDiagEngine().setHandler(std::move(previous));
}

void SourceMgrDiagnosticHandler::print(const Diagnostic &d) {
  // SourceMgr writes the caret line a character at a time, which on an
  // unbuffered stream (llvm::errs()) is a system call per column of a very
  // long line: buffer while printing.
  bool unbuffered = os.GetBufferSize() == 0;
  if (unbuffered)
    os.SetBuffered();
  llvm::SMLoc loc = findSMLoc(mgr, d.loc);
  if (loc.isValid())
    mgr.PrintMessage(os, loc, toDiagKind(d.severity), d.message);
  else
    printPlain(Diagnostic{d.loc, d.severity, d.message, {}}, os);
  for (const Diagnostic &n : d.notes)
    print(n);
  if (unbuffered)
    os.SetUnbuffered(); // flushes
}

//===----------------------------------------------------------------------===//
// SourceMgrDiagnosticVerifier
//===----------------------------------------------------------------------===//

struct SourceMgrDiagnosticVerifier::Expected {
  Severity severity;
  std::string file;
  unsigned line;
  std::string substring;
  llvm::SMLoc commentLoc;
  bool matched = false;
};

SourceMgrDiagnosticVerifier::SourceMgrDiagnosticVerifier(llvm::SourceMgr &mgr,
                                                         Context &ctx,
                                                         llvm::raw_ostream &os)
    : mgr(mgr), ctx(ctx), os(os) {
  llvm::Regex re("expected-(error|warning|note|remark) *(@([+-][0-9]+|above|"
                 "below))? *\\{\\{(.*)\\}\\}");
  const llvm::MemoryBuffer *buf = mgr.getMemoryBuffer(mgr.getMainFileID());
  llvm::StringRef text = buf->getBuffer();
  unsigned lineNo = 0;
  while (!text.empty()) {
    ++lineNo;
    auto [line, rest] = text.split('\n');
    text = rest;
    llvm::SmallVector<llvm::StringRef, 5> m;
    if (!re.match(line, &m))
      continue;
    Expected e;
    e.severity = llvm::StringSwitch<Severity>(m[1])
                     .Case("error", Severity::Error)
                     .Case("warning", Severity::Warning)
                     .Case("note", Severity::Note)
                     .Default(Severity::Remark);
    e.file = buf->getBufferIdentifier().str();
    e.line = lineNo;
    if (m[3] == "above")
      e.line = lineNo - 1;
    else if (m[3] == "below")
      e.line = lineNo + 1;
    else if (!m[3].empty()) {
      int offset = 0;
      m[3].drop_front(m[3][0] == '+').getAsInteger(10, offset);
      e.line = unsigned(int(lineNo) + offset);
    }
    e.substring = m[4].str();
    e.commentLoc = llvm::SMLoc::getFromPointer(m[0].data());
    expected.push_back(std::move(e));
  }
  printer = std::make_unique<SourceMgrDiagnosticHandler>(mgr, ctx, os);
  previous = ctx.getDiagEngine().setHandler(
      [this](const Diagnostic &d) { handle(d); });
}

SourceMgrDiagnosticVerifier::~SourceMgrDiagnosticVerifier() {
  ctx.getDiagEngine().setHandler(std::move(previous));
}

void SourceMgrDiagnosticVerifier::handle(const Diagnostic &d) {
  Location f = d.loc.getFirstFileLoc();
  for (Expected &e : expected) {
    if (e.matched || e.severity != d.severity ||
        f.getKind() != Location::Kind::FileLineCol || f.getLine() != e.line ||
        f.getFile() != e.file ||
        d.message.find(e.substring) == std::string::npos)
      continue;
    e.matched = true;
    for (const Diagnostic &n : d.notes)
      handle(n);
    return;
  }
  sawUnexpected = true;
  printer->print(Diagnostic{d.loc, d.severity, d.message, {}});
  for (const Diagnostic &n : d.notes)
    handle(n);
}

LogicalResult SourceMgrDiagnosticVerifier::verify() {
  bool ok = !sawUnexpected;
  for (Expected &e : expected) {
    if (e.matched)
      continue;
    ok = false;
    mgr.PrintMessage(os, e.commentLoc, llvm::SourceMgr::DK_Error,
                     "expected " + severityName(e.severity).str() + " \"" +
                         e.substring + "\" was not produced");
  }
  return success(ok);
}
