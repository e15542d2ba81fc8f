//===- Model.h - What the XNNPACK backend keeps per loaded plan -*- C++ -*-===//
//
// Internal to backends/xnnpack: the thread pool and activation arena of one
// prepared plan, shared by its partitions and run ops.
//
//===----------------------------------------------------------------------===//

#ifndef IRC_BACKENDS_XNNPACK_MODEL_H
#define IRC_BACKENDS_XNNPACK_MODEL_H

#include "backends/reference/PackedParams.h"
#include "runtime/Error.h"
#include "runtime/Kernel.h"

#include <pthreadpool.h>
#include <xnnpack.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

namespace irc::rt::xnnpack {

/// Throws Error when an XNNPACK call fails.
inline void check(xnn_status status, const std::string &what) {
  if (status != xnn_status_success)
    throw Error("XNNPACK " + what + " failed (status " +
                std::to_string(int(status)) + ")");
}

/// Initializes XNNPACK once per process.
void initialize();

/// An XNNPACK operator, deleted with its last owner.
struct Operator {
  xnn_operator_t op = nullptr;
  /// How many partition steps run it; more than one means each sets it up
  /// again before it runs.
  int uses = 0;
  Operator() = default;
  Operator(const Operator &) = delete;
  Operator &operator=(const Operator &) = delete;
  ~Operator() {
    if (op)
      xnn_delete_operator(op);
  }
};

struct Model {
  explicit Model(size_t threads) : pool(pthreadpool_create(threads)) {
    initialize();
    if (!pool)
      throw Error("cannot create a thread pool of " + std::to_string(threads) +
                  " threads");
  }
  Model(const Model &) = delete;
  Model &operator=(const Model &) = delete;
  ~Model() { pthreadpool_destroy(pool); }

  pthreadpool_t pool;
  /// The activation arena every partition's values live in (partitions run
  /// one at a time), 64-byte aligned.
  std::unique_ptr<char, decltype(&std::free)> arena{nullptr, &std::free};
  size_t arenaBytes = 0;
};

/// An XNNPACK operator (NHWC for convolutions) for packed conv, transposed
/// conv or linear parameters: the weights are packed now. For an ungrouped
/// conv, `outputs` > 0 makes it for output channels [first, first + outputs)
/// only, writing them into an output of all O channels per pixel.
std::shared_ptr<Operator> createPackedOperator(const ref::Packed &p,
                                               ref::Kind kind, size_t first = 0,
                                               size_t outputs = 0);

/// A third of this CPU's L2 cache: the default most bytes of weights per
/// convolution operator.
size_t defaultSliceBytes();

/// How many output channels each XNNPACK operator of an ungrouped conv with
/// weights `p` should compute so that its weights take at most
/// `sliceBytes`, or 0 for all in one. XNNPACK's kernels sweep all of the
/// weights for every few output pixels, so weights larger than the L2 cache
/// come from the L3 each time; slices that fit are read from the L3 once.
size_t convOutputSlice(const ref::Packed &p, size_t sliceBytes);

/// The operators of a conv2d: one, or one per convOutputSlice output
/// channels (the i-th writes from channel i * convOutputSlice on).
std::vector<std::shared_ptr<Operator>> createConvOperators(const ref::Packed &p,
                                                           size_t sliceBytes);

/// Registers the `xnn.partition` kernel.
void registerPartitionKernel(KernelRegistry &registry);

} // namespace irc::rt::xnnpack

#endif // IRC_BACKENDS_XNNPACK_MODEL_H
