//===- AttrPrinting.h - Text form of attributes (internal) ------*- C++ -*-===//
#ifndef IRC_IR_DETAIL_ATTRPRINTING_H
#define IRC_IR_DETAIL_ATTRPRINTING_H

#include "ir/AsmPrinter.h"
#include "ir/Attributes.h"

namespace irc {
void printAttribute(Attribute a, llvm::raw_ostream &os,
                    const PrintOptions &opts);
/// Shortest text that parses back to exactly `v` (always with `.`, `e`,
/// `inf` or `nan` so it reads as a float).
void printFloat(double v, llvm::raw_ostream &os);
/// `@name`, quoted when the name is not a plain identifier.
void printSymbolName(llvm::StringRef name, llvm::raw_ostream &os);
void printQuotedString(llvm::StringRef s, llvm::raw_ostream &os);
/// An attribute or object field name, quoted when not an identifier.
void printAttributeName(llvm::StringRef name, llvm::raw_ostream &os);
/// True when the dense attribute is large enough to print as hex or elide.
bool isLargeElements(Attribute a, const PrintOptions &opts);
} // namespace irc

#endif
