//===- InlineCalls.h - Inlining calls to module functions -------*- C++ -*-===//
//
// The inliner behind the `inline` pass, shared with `freeze`, which inlines
// again after each round of resolving method calls.
//
//===----------------------------------------------------------------------===//
#ifndef IRC_PASSES_INLINECALLS_H
#define IRC_PASSES_INLINECALLS_H

namespace irc {
class Operation;

/// Replaces the calls in every function of `module` (a `module` op) by
/// copies of their callees' bodies, callees before callers, so each copy is
/// already flat. Returns how many calls were inlined. Calls between the
/// functions of one recursive cycle stay calls. A call from outside into a
/// cycle is inlined once when `inlineIntoCycles` is set (the `inline` pass)
/// and otherwise stays a call, so that inlining again changes nothing.
unsigned inlineCalls(Operation *module, bool inlineIntoCycles = true);

} // namespace irc

#endif // IRC_PASSES_INLINECALLS_H
