//===- VulkanKernels.h - The Vulkan backend ---------------------*- C++ -*-===//
//
// Runs what `--optimize-for-mobile=vulkan` and `vulkan-partition` make on a
// Vulkan device (a GPU, or lavapipe on the CPU): every `vk.partition` is
// compiled by preparePlan into one command buffer of compute dispatches
// (Partition.cpp, shaders in shaders/*.comp); everything else runs its
// reference kernel on the host, so a partition's operands are uploaded and
// its results downloaded. Run side: links runtime/, the reference backend
// and the Vulkan loader only.
//
//===----------------------------------------------------------------------===//
#ifndef IRC_BACKENDS_VULKAN_VULKANKERNELS_H
#define IRC_BACKENDS_VULKAN_VULKANKERNELS_H

#include "runtime/Kernel.h"
#include "runtime/Plan.h"

#include <string>
#include <vector>

namespace irc::rt::vulkan {

/// The backend name kernels are registered under.
inline constexpr const char *Backend = "vulkan";

/// Registers every reference kernel under Backend, then `vk.partition`.
void registerKernels(KernelRegistry &registry);
void registerPartitionKernel(KernelRegistry &registry);

struct PrepareOptions {
  /// Time every dispatch with timestamp queries (lastProfile).
  bool profile = false;
};

/// What preparePlan made.
struct PlanSummary {
  std::string device;
  size_t partitions = 0, dispatches = 0;
  /// The activation arena, what the partitions' values would take without
  /// sharing memory, and the uploaded constants.
  size_t arenaBytes = 0, activationBytes = 0, weightBytes = 0;
};

/// Prepares a lowered plan to run on the process's Vulkan device
/// (IRC_VULKAN_DEVICE chooses; IRC_VULKAN_VALIDATION=1 runs under the
/// validation layer, and any message it gives fails the call or the run):
/// pipelines made, weights uploaded, memory planned, command buffers
/// recorded. Call once, before running; throws Error naming the op that
/// cannot be compiled, or when there is no Vulkan device.
PlanSummary preparePlan(Plan &plan, const PrepareOptions &options = {});

/// One dispatch's time on the device in the last run.
struct DispatchTime {
  std::string what; // "location: op"
  double ms = 0;
};

/// The dispatch times of each partition's last run, in order, when the
/// plan was prepared with `profile` (and the device has timestamps).
std::vector<DispatchTime> lastProfile(const Plan &plan);

/// The ops a vk.partition may hold, sorted.
std::vector<std::string> partitionOps();

/// The device preparePlan uses ("llvmpipe (LLVM 15.0.6, 256 bits) (cpu)"),
/// made on first use; throws Error when there is none.
std::string deviceDescription();

/// The validation layer's messages since the last call (empty when not
/// validating).
std::vector<std::string> takeValidationMessages();

/// How many device memory allocations this process has made.
size_t memoryAllocations();

} // namespace irc::rt::vulkan

#endif // IRC_BACKENDS_VULKAN_VULKANKERNELS_H
