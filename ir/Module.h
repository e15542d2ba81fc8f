//===- Module.h - Module, function and symbol helpers -----------*- C++ -*-===//
//
// A module is a `module` op whose single block holds `func` and `const` ops.
// These small wrappers name the parts of the builtin ops so passes do not
// index attributes and regions by hand.
//
//===----------------------------------------------------------------------===//
#ifndef IRC_IR_MODULE_H
#define IRC_IR_MODULE_H

#include "ir/Block.h"
#include "ir/Context.h"
#include "ir/Region.h"
#include "llvm/ADT/StringMap.h"

namespace irc {

/// Accessors for a `func` op.
class FuncOp {
public:
  /*implicit*/ FuncOp(Operation *op = nullptr) : op(op) {}
  static FuncOp create(Context &ctx, Location loc, llvm::StringRef name,
                       Type functionType);
  explicit operator bool() const { return op != nullptr; }
  Operation *getOperation() const { return op; }
  Operation *operator->() const { return op; }

  llvm::StringRef getName() const;
  Type getFunctionType() const;
  void setFunctionType(Type t);
  bool isPrivate() const;
  void setPrivate(bool p);
  Region &getBody() const { return op->getRegion(0); }
  Block &getEntryBlock() const { return getBody().front(); }

private:
  Operation *op;
};

/// Owns a `module` op.
class Module {
public:
  explicit Module(Context &ctx, Location loc);
  /// Takes ownership of a `module` op.
  explicit Module(Operation *op) : op(op) {}
  Module(Module &&o) : op(o.op) { o.op = nullptr; }
  Module &operator=(Module &&o);
  ~Module();

  Operation *getOperation() const { return op; }
  Context &getContext() const { return op->getContext(); }
  Block &getBody() const { return op->getRegion(0).front(); }
  /// The `func` or `const` op named `name`, or null (a linear scan; build a
  /// SymbolTable for repeated lookups).
  Operation *lookupSymbol(llvm::StringRef name) const;
  llvm::SmallVector<FuncOp, 4> getFunctions() const;

private:
  Operation *op;
};

/// The symbol name of a `func` or `const` op, or empty.
llvm::StringRef getSymbolName(Operation *op);
/// The `func` or `const` op named `name` in `module` (a `module` op), or null.
Operation *lookupSymbol(Operation *module, llvm::StringRef name);
/// The functions of `module` (a `module` op), in order.
llvm::SmallVector<FuncOp, 4> getFunctions(Operation *module);

/// Name-to-op map of a module's symbols.
class SymbolTable {
public:
  explicit SymbolTable(Operation *module);
  Operation *lookup(llvm::StringRef name) const { return table.lookup(name); }

private:
  llvm::StringMap<Operation *> table;
};

/// True when an op under `root` writes a tensor or list in place
/// (`aten.relu_`, `aten.append.t`): values there may change under an alias,
/// so passes must not merge or forward them.
bool hasInPlaceOps(Operation *root);

/// If `v` is produced by a `constant` op, returns its value attribute.
Attribute getConstantValue(Value *v);
/// Matches an int constant.
bool matchConstantInt(Value *v, int64_t &out);
/// Matches a list of int constants: a `constant [..]` or a
/// prim.list_construct of int constants.
bool matchConstantIntList(Value *v, llvm::SmallVectorImpl<int64_t> &out);

} // namespace irc

#endif // IRC_IR_MODULE_H
