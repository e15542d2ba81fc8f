//===- IRFuzzer.cpp - The IR text parser and verifier ---------------------===//
//
// Parses the input as .irc text (which verifies it); what parses is printed
// and parsed again, which must succeed.
//
//===----------------------------------------------------------------------===//
#include "FuzzContext.h"
#include "ir/AsmParser.h"
#include "ir/AsmPrinter.h"

#include <cstdlib>

using namespace irc;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  auto ctx = fuzz::quietContext();
  std::optional<Module> module = parseSourceString(
      llvm::StringRef(reinterpret_cast<const char *>(data), size), *ctx);
  if (!module)
    return 0;
  std::string printed;
  llvm::raw_string_ostream os(printed);
  printOp(module->getOperation(), os);
  auto again = fuzz::quietContext();
  if (!parseSourceString(os.str(), *again))
    std::abort(); // the printer wrote what the parser rejects
  return 0;
}
