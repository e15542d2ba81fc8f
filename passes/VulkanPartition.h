//===- VulkanPartition.h - What Vulkan partitions hold ----------*- C++ -*-===//
#ifndef IRC_PASSES_VULKANPARTITION_H
#define IRC_PASSES_VULKANPARTITION_H

#include "ir/Operation.h"

#include <string>

namespace irc {

/// What the vulkan backend runs after the vulkan mobile pipeline.
inline constexpr const char *VulkanPipeline = "vulkan-partition";

/// Why the vulkan-partition pass leaves `op` out of partitions (it then runs
/// on the host between downloads and uploads), or "" when it can go in.
std::string whyNotVulkan(Operation *op);

} // namespace irc

#endif // IRC_PASSES_VULKANPARTITION_H
