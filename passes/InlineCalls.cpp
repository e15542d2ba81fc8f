//===- InlineCalls.cpp - inline
//---------------------------------------------===//
//
// Matches: `call @f(...)` where @f is a function of the module.
// Produces: a copy of @f's body in place of the call, its `return` operands
// replacing the call's results. Callees are inlined before their callers
// (leaves first), so each body is copied fully inlined. Calls between the
// functions of a recursive cycle stay calls. Private functions that no call
// refers to any more are erased. The inliner itself (inlineCalls, declared
// in InlineCalls.h) is shared with `freeze`.
//
//===----------------------------------------------------------------------===//
#include "passes/InlineCalls.h"
#include "ir/Rewriter.h"
#include "passes/Pass.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

using namespace irc;

namespace {
llvm::SmallVector<Operation *, 8> collectCalls(Operation *func) {
  llvm::SmallVector<Operation *, 8> calls;
  func->walk([&](Operation *op) {
    if (op->is(OpId::Call))
      calls.push_back(op);
  });
  return calls;
}

Operation *calleeOf(Operation *call, const SymbolTable &symbols) {
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

/// Tarjan's strongly connected components over the call graph, inlining
/// into each function once its callees are done (post-order). A callee
/// still on the Tarjan stack is in the caller's own cycle.
class Inliner {
public:
  Inliner(Operation *module, bool inlineIntoCycles)
      : symbols(module), inlineIntoCycles(inlineIntoCycles) {}

  unsigned run(Operation *module) {
    for (FuncOp func : getFunctions(module))
      if (!index.count(func.getOperation()))
        visit(func.getOperation());
    return numInlined;
  }

private:
  void visit(Operation *func) {
    unsigned myIndex = index.size();
    index[func] = lowLink[func] = myIndex;
    stack.push_back(func);
    onStack.insert(func);
    bool callsItself = false;
    llvm::SmallVector<Operation *, 8> calls = collectCalls(func);
    for (Operation *call : calls) {
      Operation *callee = calleeOf(call, symbols);
      if (!callee)
        continue;
      callsItself |= callee == func;
      if (!index.count(callee)) {
        visit(callee);
        lowLink[func] = std::min(lowLink[func], lowLink[callee]);
      } else if (onStack.count(callee)) {
        lowLink[func] = std::min(lowLink[func], index[callee]);
      }
    }
    for (Operation *call : calls) {
      Operation *callee = calleeOf(call, symbols);
      if (!callee || onStack.count(callee) ||
          (!inlineIntoCycles && recursive.count(callee)))
        continue;
      inlineCall(call, FuncOp(callee));
      ++numInlined;
    }
    if (lowLink[func] != myIndex)
      return;
    // `func` roots a component: pop it, and remember it if it is a cycle.
    auto root = llvm::find(stack, func);
    bool isCycle = callsItself || std::next(root) != stack.end();
    for (auto it = root; it != stack.end(); ++it) {
      onStack.erase(*it);
      if (isCycle)
        recursive.insert(*it);
    }
    stack.erase(root, stack.end());
  }

  SymbolTable symbols;
  bool inlineIntoCycles;
  llvm::DenseMap<Operation *, unsigned> index, lowLink;
  llvm::SmallVector<Operation *, 16> stack;
  llvm::DenseSet<Operation *> onStack, recursive;
  unsigned numInlined = 0;
};

class InlinePass : public Pass {
public:
  llvm::StringRef getArgument() const override { return "inline"; }

  LogicalResult run(Operation *module) override {
    numInlined += inlineCalls(module);
    eraseUnusedPrivateFunctions(module);
    return success();
  }

private:
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

unsigned irc::inlineCalls(Operation *module, bool inlineIntoCycles) {
  return Inliner(module, inlineIntoCycles).run(module);
}

std::unique_ptr<Pass> irc::createInlinePass() {
  return std::make_unique<InlinePass>();
}
