//===- XnnpackKernels.h - The XNNPACK backend -------------------*- C++ -*-===//
//
// Runs what `--optimize-for-mobile=cpu` and `xnnpack-partition` make with
// XNNPACK (the February 2022 operator API of Debian's libxnnpack-dev):
//  - `xnn.partition`: a run of ops compiled by preparePlan into XNNPACK
//    operators on NHWC data in one planned arena (Partition.cpp);
//  - `xnn.*_run` outside partitions: an XNNPACK operator made on first use
//    and kept with the packed parameters (rt::Object::backendCache), with
//    NCHW/NHWC conversion around each run;
//  - everything else: the reference kernels.
// Run side: links runtime/, the reference backend and XNNPACK only.
//
//===----------------------------------------------------------------------===//

#ifndef IRC_BACKENDS_XNNPACK_XNNPACKKERNELS_H
#define IRC_BACKENDS_XNNPACK_XNNPACKKERNELS_H

#include "runtime/Kernel.h"
#include "runtime/Plan.h"

#include <cstddef>
#include <string>
#include <vector>

namespace irc::rt::xnnpack {

/// The backend name kernels are registered under.
inline constexpr const char *Backend = "xnnpack";

/// Registers every reference kernel under Backend, then the XNNPACK kernels
/// of the xnn.* run ops over them.
void registerKernels(KernelRegistry &registry);

/// What preparePlan made.
struct PlanSummary {
  size_t partitions = 0;
  /// XNNPACK operators run by the partitions, and the packed ones among
  /// them (one per distinct set of packed parameters, or per slice of its
  /// output channels: convOutputSlice).
  size_t operators = 0, packedOperators = 0;
  /// Distinct convolution weights run as Winograd F(4x4, 3x3) (Winograd.h).
  size_t winogradConvolutions = 0;
  /// The activation arena, and what the partitions' values would take
  /// without sharing memory.
  size_t arenaBytes = 0, activationBytes = 0;
};

/// How preparePlan compiles partitions.
struct PrepareOptions {
  /// Threads of the model's pool (0: one per core).
  size_t threads = 0;
  /// Run the 3x3 convolutions that suit it as Winograd F(4x4, 3x3).
  bool winograd = true;
  /// Most bytes of weights per convolution operator: a larger ungrouped
  /// conv runs as one operator per slice of its output channels (0: a third
  /// of the L2 cache).
  size_t sliceBytes = 0;
};

/// Prepares a lowered plan to run: one thread pool for the model, every
/// `xnn.partition` compiled (weights packed, memory planned, operators set
/// up). Call once, before running; throws Error naming the op that cannot
/// be compiled.
PlanSummary preparePlan(Plan &plan, const PrepareOptions &options = {});

/// The ops an `xnn.partition` may hold, sorted.
std::vector<std::string> partitionOps();

} // namespace irc::rt::xnnpack

#endif // IRC_BACKENDS_XNNPACK_XNNPACKKERNELS_H
