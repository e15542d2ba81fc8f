//===- MemoryPlanner.cpp - Buffers placed in one arena by liveness --------===//

#include "runtime/MemoryPlanner.h"

#include <algorithm>
#include <numeric>

using namespace irc::rt;

MemoryPlan irc::rt::planMemory(const std::vector<BufferRequest> &requests,
                               size_t alignment) {
  auto roundUp = [&](size_t n) {
    return (n + alignment - 1) / alignment * alignment;
  };
  MemoryPlan plan;
  plan.offsets.assign(requests.size(), 0);
  std::vector<size_t> order(requests.size());
  std::iota(order.begin(), order.end(), 0);
  // Largest first; ties by start, so the result does not depend on sort
  // stability.
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (requests[a].bytes != requests[b].bytes)
      return requests[a].bytes > requests[b].bytes;
    return requests[a].first != requests[b].first
               ? requests[a].first < requests[b].first
               : a < b;
  });
  std::vector<size_t> placed;
  std::vector<std::pair<size_t, size_t>> busy; // [begin, end) in bytes
  for (size_t i : order) {
    const BufferRequest &r = requests[i];
    size_t size = roundUp(r.bytes);
    plan.totalBytes += size;
    busy.clear();
    for (size_t j : placed)
      if (requests[j].first <= r.last && r.first <= requests[j].last)
        busy.push_back(
            {plan.offsets[j], plan.offsets[j] + roundUp(requests[j].bytes)});
    std::sort(busy.begin(), busy.end());
    size_t offset = 0;
    for (const auto &[begin, end] : busy) {
      if (offset + size <= begin)
        break;
      offset = std::max(offset, end);
    }
    plan.offsets[i] = offset;
    plan.arenaBytes = std::max(plan.arenaBytes, offset + size);
    placed.push_back(i);
  }
  return plan;
}
