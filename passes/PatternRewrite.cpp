//===- PatternRewrite.cpp - The greedy rewrite driver ---------------------===//
#include "passes/PatternRewrite.h"
#include "ir/Module.h"
#include "ir/OpStream.h"
#include <algorithm>

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
  if (results.size() == 1 && !results[0].value && !op->getNumRegions()) {
    rewriter.morphIntoConstant(op, results[0].attr);
    return true;
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

  ~GreedyDriver() {
    OpStream stream;
    for (Operation *op : erased) {
      stream.step(op);
      op->destroy();
    }
  }

  GreedyRewriteStats run(Operation *root) {
    this->root = root;
    rewriter.deferErasure(&erased);
    scan();
    if (config.verifyFixpoint && scan())
      stats.converged = false;
    return stats;
  }

  // The worklist may hold an op more than once (processing it again finds
  // nothing to do) and may hold erased ops, which isAlive skips: no map of
  // worklist positions is needed.
  void notifyOpInserted(Operation *op) override { worklist.push_back(op); }
  void notifyOpModified(Operation *op) override { worklist.push_back(op); }

private:
  /// Processes every op under the root and then the worklist; returns
  /// whether anything changed.
  bool scan() {
    // Queue so that the first op in the IR is processed first: operands
    // fold before their users look at them.
    worklist.clear();
    root->walkPreOrder([&](Operation *op) {
      if (op != root)
        worklist.push_back(op);
    });
    std::reverse(worklist.begin(), worklist.end());
    bool changed = false;
    // The worklist starts in IR order: stream the ops into the cache ahead
    // of it.
    OpStream stream;
    while (!worklist.empty()) {
      Operation *op = worklist.back();
      worklist.pop_back();
      stream.step(op);
      if (isAlive(op))
        changed |= process(op);
    }
    return changed;
  }

  /// False for an erased op or an op nested in one (erased ops are detached
  /// and kept until the driver ends).
  bool isAlive(Operation *op) const {
    for (; op != root; op = op->getParentOp())
      if (!op || !op->getBlock())
        return false;
    return true;
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
  Operation *root = nullptr;
  std::vector<Operation *> worklist;
  std::vector<Operation *> erased;
  GreedyRewriteStats stats;
};
} // namespace

GreedyRewriteStats
irc::applyPatternsGreedily(Operation *root, const PatternList &patterns,
                           const GreedyRewriteConfig &config) {
  return GreedyDriver(root->getContext(), patterns, config).run(root);
}
