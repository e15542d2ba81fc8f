//===- MemoryPlanner.h - Buffers in one arena by liveness -------*- C++ -*-===//
//
// Static memory planning for a straight-line program: each buffer is live
// from the step that writes it to the last step that reads it, and buffers
// whose lifetimes do not overlap may share bytes. Buffers are placed largest
// first at the lowest offset that is free for their whole lifetime, the
// greedy-by-size strategy of TFLite's and XNNPACK's planners.
//
//===----------------------------------------------------------------------===//

#ifndef IRC_RUNTIME_MEMORYPLANNER_H
#define IRC_RUNTIME_MEMORYPLANNER_H

#include <cstddef>
#include <cstdint>
#include <vector>

namespace irc::rt {

struct BufferRequest {
  size_t bytes = 0;
  /// Live from step `first` to step `last`, both included.
  int64_t first = 0, last = 0;
};

struct MemoryPlan {
  /// The offset of each request, a multiple of the alignment.
  std::vector<size_t> offsets;
  /// The arena size that holds them all.
  size_t arenaBytes = 0;
  /// What the buffers would take without sharing (each rounded up to the
  /// alignment).
  size_t totalBytes = 0;
};

MemoryPlan planMemory(const std::vector<BufferRequest> &requests,
                      size_t alignment = 64);

} // namespace irc::rt

#endif // IRC_RUNTIME_MEMORYPLANNER_H
