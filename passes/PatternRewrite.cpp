//===- PatternRewrite.cpp - The greedy rewrite driver ---------------------===//
#include "passes/PatternRewrite.h"
#include "ir/Module.h"
#include "llvm/ADT/DenseMap.h"

using namespace irc;

bool irc::tryFold(Operation *op, Rewriter &rewriter) {
  const OpInfo *info = op->getInfo();
  // A constant folds to itself: nothing to do.
  if (!info || !info->fold || op->hasTrait(ConstantLike))
    return false;
  llvm::SmallVector<Attribute, 4> constants;
  for (Value *v : op->getOperands())
    constants.push_back(getConstantValue(v));
  llvm::SmallVector<OpFoldResult, 2> results;
  if (failed(info->fold(op, constants, results)) ||
      results.size() != op->getNumResults())
    return false;
  // Every replacement must have the exact result type.
  for (unsigned i = 0; i < results.size(); ++i) {
    Type type = op->getResult(i)->getType();
    if (results[i].value ? results[i].value->getType() != type
                         : !results[i].attr)
      return false;
  }
  llvm::SmallVector<Value *, 2> replacements;
  rewriter.setInsertionPoint(op);
  for (unsigned i = 0; i < results.size(); ++i)
    replacements.push_back(results[i].value ? results[i].value
                                            : rewriter.createConstant(
                                                  op->getLoc(), results[i].attr,
                                                  op->getResult(i)->getType()));
  rewriter.replaceOp(op, replacements);
  return true;
}

namespace {
class GreedyDriver : public RewriterListener {
public:
  GreedyDriver(Context &ctx, const PatternList &patterns,
               const GreedyRewriteConfig &config)
      : rewriter(ctx, this), patterns(patterns), config(config) {}

  GreedyRewriteStats run(Operation *root) {
    stats.converged = false;
    for (unsigned iter = 0; iter < config.maxIterations; ++iter) {
      // Queue so that the first op in the IR is processed first: operands
      // fold before their users look at them.
      std::vector<Operation *> ops;
      for (unsigned i = 0; i < root->getNumRegions(); ++i)
        for (Block &block : root->getRegion(i))
          for (Operation &op : block)
            op.walkPreOrder([&](Operation *nested) { ops.push_back(nested); });
      for (Operation *op : llvm::reverse(ops))
        add(op);
      bool changed = false;
      while (!worklist.empty()) {
        Operation *op = worklist.back();
        worklist.pop_back();
        if (!op)
          continue;
        positions.erase(op);
        changed |= process(op);
      }
      if (!changed) {
        stats.converged = true;
        break;
      }
    }
    return stats;
  }

  void notifyOpInserted(Operation *op) override { add(op); }
  void notifyOpModified(Operation *op) override { add(op); }
  void notifyOpErased(Operation *op) override {
    auto it = positions.find(op);
    if (it == positions.end())
      return;
    worklist[it->second] = nullptr;
    positions.erase(it);
  }

private:
  void add(Operation *op) {
    if (positions.count(op))
      return;
    positions[op] = worklist.size();
    worklist.push_back(op);
  }

  bool process(Operation *op) {
    if (config.eraseDeadOps && op->use_empty() && !op->hasTrait(Terminator) &&
        op->isSideEffectFree()) {
      rewriter.eraseOp(op);
      ++stats.numErased;
      return true;
    }
    if (config.fold && tryFold(op, rewriter)) {
      ++stats.numFolded;
      return true;
    }
    for (const auto &pattern : patterns) {
      if (pattern->getRoot() && !op->is(*pattern->getRoot()))
        continue;
      rewriter.setInsertionPoint(op);
      if (succeeded(pattern->matchAndRewrite(op, rewriter))) {
        ++stats.numRewritten;
        return true;
      }
    }
    return false;
  }

  Rewriter rewriter;
  const PatternList &patterns;
  const GreedyRewriteConfig &config;
  std::vector<Operation *> worklist;
  llvm::DenseMap<Operation *, unsigned> positions;
  GreedyRewriteStats stats;
};
} // namespace

GreedyRewriteStats
irc::applyPatternsGreedily(Operation *root, const PatternList &patterns,
                           const GreedyRewriteConfig &config) {
  return GreedyDriver(root->getContext(), patterns, config).run(root);
}
