//===- LimitOptions.cpp - The --max-* flags of every tool -----------------===//
#include "tools/driver/LimitOptions.h"

using namespace irc;
namespace cl = llvm::cl;

cl::OptionCategory &irc::getLimitCategory() {
  static cl::OptionCategory category(
      "Input limits",
      "Caps on what is read from an input file (archive, IR text, .npy, "
      ".ircm); input over a cap is refused with an error naming the flag");
  return category;
}

namespace {
const InputLimits defaults;

cl::opt<unsigned>
    maxNesting("max-nesting", cl::init(defaults.maxNesting),
               cl::desc("Deepest nesting of code, pickled containers and IR"),
               cl::cat(getLimitCategory()));
cl::opt<uint64_t> maxCodeBytes(
    "max-code-bytes", cl::init(defaults.maxCodeBytes),
    cl::desc("Most bytes of TorchScript source (an archive's code/ files)"),
    cl::cat(getLimitCategory()));
cl::opt<uint64_t>
    maxTensorBytes("max-tensor-bytes", cl::init(defaults.maxTensorBytes),
                   cl::desc("Most bytes of one tensor read from a file"),
                   cl::cat(getLimitCategory()));
cl::opt<uint64_t> maxInflatedBytes(
    "max-inflated-bytes", cl::init(defaults.maxInflatedBytes),
    cl::desc("Most bytes an archive's compressed records inflate to"),
    cl::cat(getLimitCategory()));
} // namespace

InputLimits irc::getLimitOptions() {
  InputLimits limits;
  limits.maxNesting = maxNesting;
  limits.maxCodeBytes = maxCodeBytes;
  limits.maxTensorBytes = maxTensorBytes;
  limits.maxInflatedBytes = maxInflatedBytes;
  return limits;
}
