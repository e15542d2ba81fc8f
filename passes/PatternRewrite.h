//===- PatternRewrite.h - Patterns and the greedy rewrite driver -*- C++
//-*-===//
//
// A pattern matches one op (optionally of one OpId) and rewrites it through
// the Rewriter. applyPatternsGreedily runs op folders and patterns over a
// worklist until nothing changes, erasing dead side-effect-free ops as it
// goes; passes share it instead of each walking the IR its own way.
//
//===----------------------------------------------------------------------===//
#ifndef IRC_PASSES_PATTERNREWRITE_H
#define IRC_PASSES_PATTERNREWRITE_H

#include "ir/Rewriter.h"
#include <memory>
#include <optional>
#include <vector>

namespace irc {

class RewritePattern {
public:
  /// A pattern for ops with id `root`, or for every op when unset.
  explicit RewritePattern(std::optional<OpId> root = std::nullopt)
      : root(root) {}
  virtual ~RewritePattern() = default;
  std::optional<OpId> getRoot() const { return root; }
  /// Rewrites `op` and returns success, or returns failure without touching
  /// the IR. A rewrite must make progress (the driver requeues what it
  /// touches): a pattern that always succeeds makes the driver loop.
  virtual LogicalResult matchAndRewrite(Operation *op,
                                        Rewriter &rewriter) const = 0;

private:
  std::optional<OpId> root;
};

using PatternList = std::vector<std::unique_ptr<RewritePattern>>;

struct GreedyRewriteConfig {
  /// Use the ops' fold hooks.
  bool fold = true;
  /// Erase ops without side effects whose results are unused.
  bool eraseDeadOps = true;
  /// Rounds over the whole region before giving up on reaching a fixpoint.
  unsigned maxIterations = 10;
};

struct GreedyRewriteStats {
  unsigned numFolded = 0;
  unsigned numRewritten = 0;
  unsigned numErased = 0;
  bool converged = true;
};

/// Applies folders and `patterns` to every op nested in `root` (not `root`
/// itself) until a fixpoint.
GreedyRewriteStats
applyPatternsGreedily(Operation *root, const PatternList &patterns,
                      const GreedyRewriteConfig &config = {});

/// Tries the op's fold hook and, on success, replaces it (materializing
/// constants before it). Returns true if `op` was folded away.
bool tryFold(Operation *op, Rewriter &rewriter);

} // namespace irc

#endif // IRC_PASSES_PATTERNREWRITE_H
