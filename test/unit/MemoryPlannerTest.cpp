//===- MemoryPlannerTest.cpp - planMemory's placement invariants ----------===//
//
// Buffers whose lifetimes do not overlap share bytes; buffers whose lifetimes
// overlap never do; offsets are aligned; totalBytes is what the buffers
// would take unshared; the arena holds everything live at any step.
//
//===----------------------------------------------------------------------===//

#include "runtime/MemoryPlanner.h"

#include <gtest/gtest.h>

#include <algorithm>

using namespace irc::rt;

namespace {

size_t roundUp(size_t n, size_t alignment) {
  return (n + alignment - 1) / alignment * alignment;
}

bool overlapInTime(const BufferRequest &a, const BufferRequest &b) {
  return a.first <= b.last && b.first <= a.last;
}

/// Checks every invariant of `plan` for `requests`.
void expectValid(const std::vector<BufferRequest> &requests,
                 const MemoryPlan &plan, size_t alignment) {
  ASSERT_EQ(plan.offsets.size(), requests.size());
  size_t total = 0;
  int64_t lastStep = 0;
  for (size_t i = 0; i < requests.size(); ++i) {
    size_t size = roundUp(requests[i].bytes, alignment);
    total += size;
    lastStep = std::max(lastStep, requests[i].last);
    EXPECT_EQ(plan.offsets[i] % alignment, 0u) << "buffer " << i;
    EXPECT_LE(plan.offsets[i] + size, plan.arenaBytes) << "buffer " << i;
  }
  EXPECT_EQ(plan.totalBytes, total);
  for (size_t i = 0; i < requests.size(); ++i)
    for (size_t j = i + 1; j < requests.size(); ++j) {
      if (!overlapInTime(requests[i], requests[j]))
        continue;
      size_t bi = plan.offsets[i], ei = bi + requests[i].bytes;
      size_t bj = plan.offsets[j], ej = bj + requests[j].bytes;
      EXPECT_TRUE(ei <= bj || ej <= bi)
          << "buffers " << i << " [" << bi << ", " << ei << ") and " << j
          << " [" << bj << ", " << ej << ") are live together and overlap";
    }
  for (int64_t step = 0; step <= lastStep; ++step) {
    size_t live = 0;
    for (const BufferRequest &r : requests)
      if (r.first <= step && step <= r.last)
        live += roundUp(r.bytes, alignment);
    EXPECT_GE(plan.arenaBytes, live) << "step " << step;
  }
}

TEST(MemoryPlanner, EmptyInputNeedsNoMemory) {
  MemoryPlan plan = planMemory({});
  EXPECT_TRUE(plan.offsets.empty());
  EXPECT_EQ(plan.arenaBytes, 0u);
  EXPECT_EQ(plan.totalBytes, 0u);
}

TEST(MemoryPlanner, DisjointLifetimesShareOffsetZero) {
  std::vector<BufferRequest> requests = {
      {100, 0, 1}, {300, 2, 3}, {64, 4, 4}, {257, 5, 9}};
  MemoryPlan plan = planMemory(requests, 64);
  for (size_t offset : plan.offsets)
    EXPECT_EQ(offset, 0u);
  EXPECT_EQ(plan.arenaBytes, 320u);
  EXPECT_EQ(plan.totalBytes, 128u + 320u + 64u + 320u);
  expectValid(requests, plan, 64);
}

TEST(MemoryPlanner, OverlappingLifetimesGetDisjointBytes) {
  // Step 3 is shared by the first two (the last step is included).
  std::vector<BufferRequest> requests = {{100, 0, 3}, {100, 3, 5}, {10, 1, 4}};
  MemoryPlan plan = planMemory(requests, 16);
  EXPECT_NE(plan.offsets[0], plan.offsets[1]);
  EXPECT_EQ(plan.totalBytes, 112u + 112u + 16u);
  EXPECT_EQ(plan.arenaBytes, 112u + 112u + 16u);
  expectValid(requests, plan, 16);
}

TEST(MemoryPlanner, ManyRequestsKeepEveryInvariant) {
  for (size_t alignment : {1u, 16u, 64u}) {
    SCOPED_TRACE(testing::Message() << "alignment " << alignment);
    std::vector<BufferRequest> requests;
    unsigned x = 12345;
    auto next = [&] {
      x = x * 1103515245u + 12345u;
      return (x >> 8) & 0xffff;
    };
    for (int i = 0; i < 50; ++i) {
      BufferRequest r;
      r.bytes = 1 + next() % 5000;
      r.first = next() % 40;
      r.last = r.first + next() % 12;
      requests.push_back(r);
    }
    // Equal sizes and lifetimes too.
    requests.push_back(requests[7]);
    requests.push_back({requests[3].bytes, 0, 50});
    MemoryPlan plan = planMemory(requests, alignment);
    expectValid(requests, plan, alignment);
    // Sharing happens: the arena is smaller than the unshared total.
    EXPECT_LT(plan.arenaBytes, plan.totalBytes);
  }
}

TEST(MemoryPlanner, ZeroByteRequestsAreAlignedAndCostNothing) {
  std::vector<BufferRequest> requests = {{0, 0, 2}, {33, 1, 1}, {0, 1, 3}};
  MemoryPlan plan = planMemory(requests, 32);
  EXPECT_EQ(plan.totalBytes, 64u);
  EXPECT_EQ(plan.arenaBytes, 64u);
  expectValid(requests, plan, 32);
}

} // namespace
