//===- Device.cpp - The Vulkan instance, device and memory ----------------===//
#if defined(__SANITIZE_ADDRESS__)
#define IRC_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define IRC_LSAN 1
#endif
#endif
#if IRC_LSAN
#include <sanitizer/lsan_interface.h>
#endif
#include "backends/vulkan/Device.h"
#include "backends/vulkan/Shaders.h"
#include "runtime/Error.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

using namespace irc::rt;
using namespace irc::rt::vulkan;

void vulkan::check(VkResult result, const char *what) {
  if (result != VK_SUCCESS)
    throw Error(std::string("Vulkan: ") + what + " failed (VkResult " +
                std::to_string(int(result)) + ")");
}

namespace irc::rt::vulkan {
VKAPI_ATTR VkBool32 VKAPI_CALL
onMessage(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
          VkDebugUtilsMessageTypeFlagsEXT,
          const VkDebugUtilsMessengerCallbackDataEXT *data, void *user) {
  auto *device = static_cast<Device *>(user);
  std::string text =
      std::string(severity & VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT
                      ? "validation error: "
                      : "validation warning: ") +
      (data && data->pMessage ? data->pMessage : "");
  std::lock_guard<std::mutex> lock(device->mutex);
  device->messages.push_back(std::move(text));
  return VK_FALSE;
}
} // namespace irc::rt::vulkan

namespace {

const char *ValidationLayer = "VK_LAYER_KHRONOS_validation";

bool wantValidation() {
  const char *v = std::getenv("IRC_VULKAN_VALIDATION");
  return v && *v && std::strcmp(v, "0") != 0;
}

const char *typeName(VkPhysicalDeviceType t) {
  switch (t) {
  case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU:
    return "discrete GPU";
  case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU:
    return "integrated GPU";
  case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU:
    return "virtual GPU";
  case VK_PHYSICAL_DEVICE_TYPE_CPU:
    return "cpu";
  default:
    return "other";
  }
}

/// Lower is preferred.
int rank(VkPhysicalDeviceType t) {
  switch (t) {
  case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU:
    return 0;
  case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU:
    return 1;
  case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU:
    return 2;
  case VK_PHYSICAL_DEVICE_TYPE_CPU:
    return 3;
  default:
    return 4;
  }
}

/// While one lives, LeakSanitizer does not report what the driver
/// allocates: Mesa's lavapipe keeps JIT code and tables for the life of the
/// process, in frames LeakSanitizer cannot attribute, so a sanitizer build
/// would otherwise fail every Vulkan run on the driver's leaks, not irc's.
struct DriverAllocations {
#if IRC_LSAN
  DriverAllocations() { __lsan_disable(); }
  ~DriverAllocations() { __lsan_enable(); }
#endif
};

} // namespace

Device &Device::get() {
  // Made once; a failure is kept and thrown again to every caller.
  static std::unique_ptr<Device> device;
  static std::string failure;
  static std::once_flag once;
  std::call_once(once, [] {
    DriverAllocations driver;
    try {
      device.reset(new Device());
    } catch (const Error &e) {
      failure = e.what();
    }
  });
  if (!device)
    throw Error(failure);
  return *device;
}

Device::Device() {
  bool validation = wantValidation();
  if (validation) {
    uint32_t count = 0;
    vkEnumerateInstanceLayerProperties(&count, nullptr);
    std::vector<VkLayerProperties> layers(count);
    vkEnumerateInstanceLayerProperties(&count, layers.data());
    bool found = std::any_of(layers.begin(), layers.end(), [](auto &l) {
      return std::strcmp(l.layerName, ValidationLayer) == 0;
    });
    if (!found)
      throw Error("IRC_VULKAN_VALIDATION is set but the layer " +
                  std::string(ValidationLayer) +
                  " is not installed (vulkan-validationlayers)");
  }
  VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
  app.pApplicationName = "irc";
  app.apiVersion = VK_API_VERSION_1_1;
  VkDebugUtilsMessengerCreateInfoEXT debug{
      VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT};
  debug.messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT |
                          VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
  debug.messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT |
                      VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                      VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT;
  debug.pfnUserCallback = onMessage;
  debug.pUserData = this;
  const char *extension = VK_EXT_DEBUG_UTILS_EXTENSION_NAME;
  VkInstanceCreateInfo info{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
  info.pApplicationInfo = &app;
  if (validation) {
    info.enabledLayerCount = 1;
    info.ppEnabledLayerNames = &ValidationLayer;
    info.enabledExtensionCount = 1;
    info.ppEnabledExtensionNames = &extension;
    info.pNext = &debug; // messages about instance creation too
  }
  VkResult r = vkCreateInstance(&info, nullptr, &instance);
  if (r == VK_ERROR_INCOMPATIBLE_DRIVER || r == VK_ERROR_INITIALIZATION_FAILED)
    throw Error("no Vulkan driver (install mesa-vulkan-drivers for lavapipe)");
  check(r, "vkCreateInstance");
  if (validation) {
    auto create = reinterpret_cast<PFN_vkCreateDebugUtilsMessengerEXT>(
        vkGetInstanceProcAddr(instance, "vkCreateDebugUtilsMessengerEXT"));
    if (!create)
      throw Error("Vulkan: no vkCreateDebugUtilsMessengerEXT");
    check(create(instance, &debug, nullptr, &messenger),
          "vkCreateDebugUtilsMessengerEXT");
  }
  pickDevice();

  float priority = 1;
  VkDeviceQueueCreateInfo queueInfo{VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO};
  queueInfo.queueFamilyIndex = queueFamily;
  queueInfo.queueCount = 1;
  queueInfo.pQueuePriorities = &priority;
  VkDeviceCreateInfo deviceInfo{VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
  deviceInfo.queueCreateInfoCount = 1;
  deviceInfo.pQueueCreateInfos = &queueInfo;
  check(vkCreateDevice(physical, &deviceInfo, nullptr, &device),
        "vkCreateDevice");
  vkGetDeviceQueue(device, queueFamily, 0, &queue);

  VkCommandPoolCreateInfo poolInfo{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
  poolInfo.queueFamilyIndex = queueFamily;
  poolInfo.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
  check(vkCreateCommandPool(device, &poolInfo, nullptr, &commandPool),
        "vkCreateCommandPool");
  VkPipelineCacheCreateInfo cacheInfo{
      VK_STRUCTURE_TYPE_PIPELINE_CACHE_CREATE_INFO};
  check(vkCreatePipelineCache(device, &cacheInfo, nullptr, &cache),
        "vkCreatePipelineCache");
  VkFenceCreateInfo fenceInfo{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
  check(vkCreateFence(device, &fenceInfo, nullptr, &fence), "vkCreateFence");
}

void Device::pickDevice() {
  uint32_t count = 0;
  check(vkEnumeratePhysicalDevices(instance, &count, nullptr),
        "vkEnumeratePhysicalDevices");
  std::vector<VkPhysicalDevice> devices(count);
  check(vkEnumeratePhysicalDevices(instance, &count, devices.data()),
        "vkEnumeratePhysicalDevices");
  // Candidates: a compute queue and host-visible, coherent memory.
  struct Candidate {
    VkPhysicalDevice device;
    VkPhysicalDeviceProperties properties;
    uint32_t family, memoryType;
    double nsPerTick;
  };
  std::vector<Candidate> candidates;
  for (VkPhysicalDevice d : devices) {
    Candidate c{d, {}, 0, 0, 0};
    vkGetPhysicalDeviceProperties(d, &c.properties);
    uint32_t families = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(d, &families, nullptr);
    std::vector<VkQueueFamilyProperties> props(families);
    vkGetPhysicalDeviceQueueFamilyProperties(d, &families, props.data());
    bool compute = false;
    for (uint32_t i = 0; i < families && !compute; ++i)
      if (props[i].queueFlags & VK_QUEUE_COMPUTE_BIT) {
        compute = true;
        c.family = i;
        if (props[i].timestampValidBits)
          c.nsPerTick = c.properties.limits.timestampPeriod;
      }
    VkPhysicalDeviceMemoryProperties memory;
    vkGetPhysicalDeviceMemoryProperties(d, &memory);
    const VkMemoryPropertyFlags host = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT |
                                       VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
    int best = -1;
    for (uint32_t i = 0; i < memory.memoryTypeCount; ++i) {
      VkMemoryPropertyFlags f = memory.memoryTypes[i].propertyFlags;
      if ((f & host) != host)
        continue;
      if (best < 0 || (f & VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT))
        best = int(i);
      if (f & VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT)
        break;
    }
    if (compute && best >= 0) {
      c.memoryType = uint32_t(best);
      candidates.push_back(c);
    }
  }
  if (candidates.empty())
    throw Error("no Vulkan device with a compute queue (install "
                "mesa-vulkan-drivers for lavapipe)");
  const Candidate *chosen = nullptr;
  if (const char *want = std::getenv("IRC_VULKAN_DEVICE"); want && *want) {
    char *end = nullptr;
    long index = std::strtol(want, &end, 10);
    bool numeric = *end == 0 && index >= 0 && size_t(index) < devices.size();
    for (const Candidate &c : candidates)
      if (numeric ? c.device == devices[size_t(index)]
                  : std::strstr(c.properties.deviceName, want) != nullptr)
        chosen = &c;
    if (!chosen)
      throw Error("IRC_VULKAN_DEVICE=" + std::string(want) +
                  " names no Vulkan device with a compute queue");
  } else {
    chosen = &*std::min_element(
        candidates.begin(), candidates.end(), [](auto &a, auto &b) {
          return rank(a.properties.deviceType) < rank(b.properties.deviceType);
        });
  }
  physical = chosen->device;
  properties = chosen->properties;
  queueFamily = chosen->family;
  memoryType = chosen->memoryType;
  nsPerTick = chosen->nsPerTick;
}

Device::~Device() {
  if (device) {
    vkDeviceWaitIdle(device);
    for (auto &[key, p] : pipelines) {
      vkDestroyPipeline(device, p.pipeline, nullptr);
      vkDestroyPipelineLayout(device, p.layout, nullptr);
      vkDestroyDescriptorSetLayout(device, p.setLayout, nullptr);
    }
    vkDestroyFence(device, fence, nullptr);
    vkDestroyPipelineCache(device, cache, nullptr);
    vkDestroyCommandPool(device, commandPool, nullptr);
    vkDestroyDevice(device, nullptr);
  }
  if (messenger) {
    auto destroy = reinterpret_cast<PFN_vkDestroyDebugUtilsMessengerEXT>(
        vkGetInstanceProcAddr(instance, "vkDestroyDebugUtilsMessengerEXT"));
    if (destroy)
      destroy(instance, messenger, nullptr);
  }
  if (instance)
    vkDestroyInstance(instance, nullptr);
}

std::string Device::description() const {
  return std::string(properties.deviceName) + " (" +
         typeName(properties.deviceType) + ")";
}

std::vector<std::string> Device::takeMessages() {
  std::lock_guard<std::mutex> lock(mutex);
  return std::exchange(messages, {});
}

const Pipeline &Device::pipeline(const std::string &name, int specialization,
                                 uint32_t bindings, uint32_t pushBytes) {
  std::lock_guard<std::mutex> lock(mutex);
  DriverAllocations driver;
  auto key = std::make_pair(name, specialization);
  auto it = pipelines.find(key);
  if (it != pipelines.end()) {
    if (it->second.bindings != bindings)
      throw Error("shader '" + name + "' used with different bindings");
    return it->second;
  }
  if (pushBytes > properties.limits.maxPushConstantsSize)
    throw Error("shader '" + name + "' needs more push constants than " +
                description() + " has");
  const Shader &s = shader(name);
  Pipeline p;
  p.bindings = bindings;
  std::vector<VkDescriptorSetLayoutBinding> layoutBindings(bindings);
  for (uint32_t i = 0; i < bindings; ++i) {
    layoutBindings[i].binding = i;
    layoutBindings[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
    layoutBindings[i].descriptorCount = 1;
    layoutBindings[i].stageFlags = VK_SHADER_STAGE_COMPUTE_BIT;
  }
  VkDescriptorSetLayoutCreateInfo setInfo{
      VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
  setInfo.bindingCount = bindings;
  setInfo.pBindings = layoutBindings.data();
  check(vkCreateDescriptorSetLayout(device, &setInfo, nullptr, &p.setLayout),
        "vkCreateDescriptorSetLayout");
  VkPushConstantRange range{VK_SHADER_STAGE_COMPUTE_BIT, 0, pushBytes};
  VkPipelineLayoutCreateInfo layoutInfo{
      VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
  layoutInfo.setLayoutCount = 1;
  layoutInfo.pSetLayouts = &p.setLayout;
  layoutInfo.pushConstantRangeCount = pushBytes ? 1 : 0;
  layoutInfo.pPushConstantRanges = &range;
  check(vkCreatePipelineLayout(device, &layoutInfo, nullptr, &p.layout),
        "vkCreatePipelineLayout");
  VkShaderModuleCreateInfo moduleInfo{
      VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO};
  moduleInfo.codeSize = s.bytes;
  moduleInfo.pCode = s.code;
  VkShaderModule module;
  check(vkCreateShaderModule(device, &moduleInfo, nullptr, &module),
        "vkCreateShaderModule");
  VkSpecializationMapEntry entry{0, 0, sizeof(int)};
  VkSpecializationInfo spec{1, &entry, sizeof(int), &specialization};
  VkComputePipelineCreateInfo info{
      VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO};
  info.stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
  info.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
  info.stage.module = module;
  info.stage.pName = "main";
  info.stage.pSpecializationInfo = &spec;
  info.layout = p.layout;
  VkResult r =
      vkCreateComputePipelines(device, cache, 1, &info, nullptr, &p.pipeline);
  vkDestroyShaderModule(device, module, nullptr);
  check(r, "vkCreateComputePipelines");
  return pipelines[key] = p;
}

void Device::submitAndWait(VkCommandBuffer commands) {
  std::lock_guard<std::mutex> lock(mutex);
  DriverAllocations driver;
  VkSubmitInfo submit{VK_STRUCTURE_TYPE_SUBMIT_INFO};
  submit.commandBufferCount = 1;
  submit.pCommandBuffers = &commands;
  check(vkResetFences(device, 1, &fence), "vkResetFences");
  check(vkQueueSubmit(queue, 1, &submit, fence), "vkQueueSubmit");
  check(vkWaitForFences(device, 1, &fence, VK_TRUE, UINT64_MAX),
        "vkWaitForFences");
}

Buffer::Buffer(Device &device, size_t bytes) : device(device), bytes(bytes) {
  VkBufferCreateInfo info{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
  info.size = std::max<size_t>(bytes, 16);
  info.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT;
  info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
  check(vkCreateBuffer(device.device, &info, nullptr, &buffer),
        "vkCreateBuffer");
  VkMemoryRequirements needs;
  vkGetBufferMemoryRequirements(device.device, buffer, &needs);
  if (!(needs.memoryTypeBits & (1u << device.memoryType)))
    throw Error("Vulkan: buffers cannot use host-visible memory on " +
                device.description());
  VkMemoryAllocateInfo alloc{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
  alloc.allocationSize = needs.size;
  alloc.memoryTypeIndex = device.memoryType;
  VkResult r = vkAllocateMemory(device.device, &alloc, nullptr, &memory);
  if (r == VK_ERROR_OUT_OF_DEVICE_MEMORY || r == VK_ERROR_OUT_OF_HOST_MEMORY)
    throw Error("Vulkan: out of memory for a " + std::to_string(bytes) +
                "-byte buffer");
  check(r, "vkAllocateMemory");
  ++device.allocations;
  check(vkBindBufferMemory(device.device, buffer, memory, 0),
        "vkBindBufferMemory");
  check(vkMapMemory(device.device, memory, 0, VK_WHOLE_SIZE, 0, &mapped),
        "vkMapMemory");
}

Buffer::~Buffer() {
  if (mapped)
    vkUnmapMemory(device.device, memory);
  vkDestroyBuffer(device.device, buffer, nullptr);
  vkFreeMemory(device.device, memory, nullptr);
}
