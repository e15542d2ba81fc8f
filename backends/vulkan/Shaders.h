//===- Shaders.h - irc's compute shaders as SPIR-V --------------*- C++ -*-===//
//
// Internal to backends/vulkan: every shaders/*.comp, compiled by glslc at
// build time and embedded.
//
//===----------------------------------------------------------------------===//
#ifndef IRC_BACKENDS_VULKAN_SHADERS_H
#define IRC_BACKENDS_VULKAN_SHADERS_H

#include <cstddef>
#include <cstdint>
#include <string>

namespace irc::rt::vulkan {

struct Shader {
  const char *name;
  const uint32_t *code;
  size_t bytes;
};

/// The shader compiled from shaders/NAME.comp; throws Error for an unknown
/// name.
const Shader &shader(const std::string &name);

} // namespace irc::rt::vulkan

#endif // IRC_BACKENDS_VULKAN_SHADERS_H
