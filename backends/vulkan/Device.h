//===- Device.h - The Vulkan instance, device and memory --------*- C++ -*-===//
//
// Internal to backends/vulkan: one instance and device per process, made on
// first use, with the compute queue, a pipeline cache and the pipelines of
// the embedded shaders; buffers in host-visible memory.
//
//===----------------------------------------------------------------------===//
#ifndef IRC_BACKENDS_VULKAN_DEVICE_H
#define IRC_BACKENDS_VULKAN_DEVICE_H

#include <vulkan/vulkan.h>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace irc::rt::vulkan {

/// Throws Error when a Vulkan call fails.
void check(VkResult result, const char *what);

class Device;

/// A storage buffer and its memory, mapped for the host.
struct Buffer {
  Buffer(Device &device, size_t bytes);
  Buffer(const Buffer &) = delete;
  Buffer &operator=(const Buffer &) = delete;
  ~Buffer();

  Device &device;
  VkBuffer buffer = VK_NULL_HANDLE;
  VkDeviceMemory memory = VK_NULL_HANDLE;
  size_t bytes;
  void *mapped = nullptr;
};

/// A compute pipeline of one shader and specialization, with its layout:
/// `bindings` storage buffers in set 0 and `pushBytes` of push constants.
struct Pipeline {
  VkPipeline pipeline = VK_NULL_HANDLE;
  VkPipelineLayout layout = VK_NULL_HANDLE;
  VkDescriptorSetLayout setLayout = VK_NULL_HANDLE;
  uint32_t bindings = 0;
};

class Device {
public:
  /// The process's device, made on first use: IRC_VULKAN_DEVICE (an index
  /// into the physical devices, or part of a device's name) or else the
  /// first discrete GPU, integrated GPU, virtual GPU, then CPU device
  /// (lavapipe). With IRC_VULKAN_VALIDATION=1 the instance enables
  /// VK_LAYER_KHRONOS_validation and records its warnings and errors.
  /// Throws Error when there is no Vulkan device.
  static Device &get();

  Device(const Device &) = delete;
  Device &operator=(const Device &) = delete;
  ~Device();

  /// "llvmpipe (LLVM 15.0.6, 256 bits) (cpu)".
  std::string description() const;
  bool validating() const { return messenger != VK_NULL_HANDLE; }
  /// The validation layer's warnings and errors since the last call.
  std::vector<std::string> takeMessages();

  /// The pipeline of `shader` (backends/vulkan/shaders/NAME.comp) with
  /// specialization constant 0 set to `specialization`, made once.
  const Pipeline &pipeline(const std::string &shader, int specialization,
                           uint32_t bindings, uint32_t pushBytes);
  /// Submits `commands` to the compute queue and waits for it.
  void submitAndWait(VkCommandBuffer commands);
  /// Nanoseconds per timestamp tick, 0 when the queue has no timestamps.
  double timestampPeriod() const { return nsPerTick; }

  VkInstance instance = VK_NULL_HANDLE;
  VkPhysicalDevice physical = VK_NULL_HANDLE;
  VkDevice device = VK_NULL_HANDLE;
  VkQueue queue = VK_NULL_HANDLE;
  uint32_t queueFamily = 0;
  VkCommandPool commandPool = VK_NULL_HANDLE;
  VkPhysicalDeviceProperties properties{};
  uint32_t memoryType = 0; // host-visible, coherent; device-local if any is
  std::atomic<size_t> allocations{0}; // vkAllocateMemory calls

private:
  Device();
  void pickDevice();

  VkDebugUtilsMessengerEXT messenger = VK_NULL_HANDLE;
  VkPipelineCache cache = VK_NULL_HANDLE;
  VkFence fence = VK_NULL_HANDLE;
  double nsPerTick = 0;
  std::mutex mutex; // the queue, the pipelines, the messages
  std::map<std::pair<std::string, int>, Pipeline> pipelines;
  std::vector<std::string> messages;

  friend VKAPI_ATTR VkBool32 VKAPI_CALL onMessage(
      VkDebugUtilsMessageSeverityFlagBitsEXT, VkDebugUtilsMessageTypeFlagsEXT,
      const VkDebugUtilsMessengerCallbackDataEXT *, void *);
};

} // namespace irc::rt::vulkan

#endif // IRC_BACKENDS_VULKAN_DEVICE_H
