//===- InlineCalls.cpp - inline
//---------------------------------------------===//
//
// Matches: `call @f(...)` where @f is a function of the module.
// Produces: a copy of @f's body in place of the call, its `return` operands
// replacing the call's results. Callees are inlined before their callers
// (leaves first), so each body is copied fully inlined. Calls inside a cycle
// of recursive functions stay calls. Private functions that no call refers
// to any more are erased.
//
//===----------------------------------------------------------------------===//
#include "ir/Rewriter.h"
#include "passes/Pass.h"
#include "llvm/ADT/DenseSet.h"

using namespace irc;

namespace {
class InlinePass : public Pass {
public:
  llvm::StringRef getArgument() const override { return "inline"; }

  LogicalResult run(Operation *module) override {
    SymbolTable symbols(module);
    // Inline into each function once its callees are done (post-order DFS;
    // a callee still on the stack is part of a recursive cycle).
    llvm::DenseSet<Operation *> done, onStack;
    std::function<void(Operation *)> visit = [&](Operation *func) {
      if (done.count(func) || onStack.count(func))
        return;
      onStack.insert(func);
      for (Operation *call : collectCalls(func))
        if (Operation *callee = calleeOf(call, symbols))
          visit(callee);
      for (Operation *call : collectCalls(func)) {
        Operation *callee = calleeOf(call, symbols);
        if (callee && callee != func && !onStack.count(callee)) {
          inlineCall(call, FuncOp(callee));
          ++numInlined;
        }
      }
      onStack.erase(func);
      done.insert(func);
    };
    for (FuncOp func : getFunctions(module))
      visit(func.getOperation());
    eraseUnusedPrivateFunctions(module);
    return success();
  }

private:
  static llvm::SmallVector<Operation *, 8> collectCalls(Operation *func) {
    llvm::SmallVector<Operation *, 8> calls;
    func->walk([&](Operation *op) {
      if (op->is(OpId::Call))
        calls.push_back(op);
    });
    return calls;
  }

  static Operation *calleeOf(Operation *call, const SymbolTable &symbols) {
    Operation *callee = symbols.lookup(call->getAttr("callee").getString());
    return callee && callee->is(OpId::Func) ? callee : nullptr;
  }

  void inlineCall(Operation *call, FuncOp callee) {
    Rewriter rewriter(call->getContext());
    rewriter.setInsertionPoint(call);
    IRMapping map;
    Block &body = callee.getEntryBlock();
    for (unsigned i = 0; i < body.getNumArguments(); ++i)
      map.map(body.getArgument(i), call->getOperand(i));
    llvm::SmallVector<Value *, 4> results;
    for (Operation &op : body) {
      if (op.is(OpId::Return)) {
        for (Value *v : op.getOperands())
          results.push_back(map.lookupOrDefault(v));
        break;
      }
      Operation *copy = rewriter.clone(op, map);
      // Keep where the code came from: the callee's line, called from here.
      copy->setLoc(
          getFusedLoc(call->getContext(), {op.getLoc(), call->getLoc()}));
    }
    rewriter.replaceOp(call, results);
  }

  void eraseUnusedPrivateFunctions(Operation *module) {
    llvm::DenseSet<llvm::StringRef> called;
    module->walk([&](Operation *op) {
      if (op->is(OpId::Call))
        called.insert(op->getAttr("callee").getString());
    });
    for (FuncOp func : getFunctions(module)) {
      if (func.isPrivate() && !called.count(func.getName())) {
        func->erase();
        ++numErased;
      }
    }
  }

  Statistic numInlined{*this, "num-inlined", "Calls inlined"};
  Statistic numErased{*this, "num-erased", "Unused private functions erased"};
};
} // namespace

std::unique_ptr<Pass> irc::createInlinePass() {
  return std::make_unique<InlinePass>();
}
