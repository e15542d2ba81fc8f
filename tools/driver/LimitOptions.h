//===- LimitOptions.h - The --max-* flags of every tool ---------*- C++ -*-===//
//
// irc-opt, irc-run, irc-compile and irc-archive take the same flags for the
// input limits (ir/InputLimits.h), listed under "Input limits" in --help.
//
//===----------------------------------------------------------------------===//
#ifndef IRC_TOOLS_DRIVER_LIMITOPTIONS_H
#define IRC_TOOLS_DRIVER_LIMITOPTIONS_H

#include "ir/InputLimits.h"
#include "llvm/Support/CommandLine.h"

namespace irc {

/// The flags' category, for cl::HideUnrelatedOptions.
llvm::cl::OptionCategory &getLimitCategory();

/// The limits as the flags set them (InputLimits' defaults otherwise).
InputLimits getLimitOptions();

} // namespace irc

#endif // IRC_TOOLS_DRIVER_LIMITOPTIONS_H
