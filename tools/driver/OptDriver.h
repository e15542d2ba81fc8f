//===- OptDriver.h - The irc-opt driver -------------------------*- C++ -*-===//
#ifndef IRC_TOOLS_OPTDRIVER_H
#define IRC_TOOLS_OPTDRIVER_H

#include "llvm/ADT/StringRef.h"

namespace irc {
/// Runs irc-opt with the given command line; returns the exit status.
int ircOptMain(int argc, char **argv);
} // namespace irc

#endif
