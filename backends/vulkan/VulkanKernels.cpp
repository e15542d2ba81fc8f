//===- VulkanKernels.cpp - The Vulkan backend -----------------------------===//
#include "backends/vulkan/VulkanKernels.h"
#include "backends/reference/ReferenceKernels.h"
#include "backends/vulkan/Device.h"

using namespace irc::rt;

void vulkan::registerKernels(KernelRegistry &registry) {
  ref::registerKernelsAs(registry, Backend);
  registerPartitionKernel(registry);
}

std::string vulkan::deviceDescription() { return Device::get().description(); }

std::vector<std::string> vulkan::takeValidationMessages() {
  return Device::get().takeMessages();
}

size_t vulkan::memoryAllocations() { return Device::get().allocations; }
