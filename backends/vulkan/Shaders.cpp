//===- Shaders.cpp - irc's compute shaders as SPIR-V ----------------------===//
#include "backends/vulkan/Shaders.h"
#include "runtime/Error.h"

using namespace irc::rt;
using namespace irc::rt::vulkan;

namespace {
#include "ShaderTable.inc"
} // namespace

const Shader &vulkan::shader(const std::string &name) {
  for (const Shader &s : Table)
    if (name == s.name)
      return s;
  throw Error("no shader '" + name + "'");
}
