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
  /// The driver scans the region once: its worklist then revisits every op
  /// a change touches (ops the rewriter inserts or modifies, users of
  /// replaced values, defining ops of an erased op's operands), which reaches
  /// the fixpoint as long as patterns make their changes through the
  /// rewriter and look only at an op and its operands' definitions. This
  /// runs a second scan that must change nothing, to catch patterns that
  /// break that contract (as LLVM's instcombine-verify-fixpoint does).
  bool verifyFixpoint = false;
};

struct GreedyRewriteStats {
  unsigned numFolded = 0;
  unsigned numRewritten = 0;
  unsigned numErased = 0;
  /// False when `verifyFixpoint` found a change after the first scan.
  bool converged = true;
};

/// Applies folders and `patterns` to every op nested in `root` (not `root`
/// itself) until the worklist is empty.
GreedyRewriteStats
applyPatternsGreedily(Operation *root, const PatternList &patterns,
                      const GreedyRewriteConfig &config = {});

/// Tries the op's fold hook and, on success, replaces it (materializing
/// constants before it). Returns true if `op` was folded away.
bool tryFold(Operation *op, Rewriter &rewriter);

} // namespace irc

#endif // IRC_PASSES_PATTERNREWRITE_H
