//===- OpStreamTest.cpp - Prefetching ahead of a walk over ops ------------===//
//
// OpStream's bookkeeping: a walk over ops in address order prefetches each
// line from the first op to kDistance past the last exactly once, in either
// direction; an op out of order restarts the stream; no step prefetches more
// than kMaxLines lines. The addresses lie in a buffer of the test's own
// (prefetching any address is harmless, but these are real).
//
//===----------------------------------------------------------------------===//
#include "ir/OpStream.h"
#include "gtest/gtest.h"
#include <random>
#include <vector>

using namespace irc;

namespace {
constexpr uintptr_t kLine = OpStream::kLine;

/// 1 MB of 64-byte lines, and the address of byte `offset` in it.
struct Arena {
  std::vector<char> bytes = std::vector<char>(1 << 20);
  const void *at(uintptr_t offset) const {
    uintptr_t base =
        (reinterpret_cast<uintptr_t>(bytes.data()) + kLine - 1) & ~(kLine - 1);
    return reinterpret_cast<const void *>(base + offset);
  }
};

TEST(OpStream, ForwardWalkPrefetchesEachLineOnce) {
  Arena arena;
  OpStream stream;
  // Ops of 200 bytes, one after another from offset 4096.
  unsigned total = 0;
  uintptr_t last = 0;
  for (uintptr_t off = 4096; off < 4096 + 1000 * 200; off += 200) {
    unsigned lines = stream.step(arena.at(off));
    EXPECT_LE(lines, OpStream::kMaxLines);
    total += lines;
    last = off;
  }
  // Every line from the first op's to kDistance past the last op's line.
  uintptr_t lastLine = last & ~(kLine - 1);
  EXPECT_EQ(total, (lastLine + OpStream::kDistance - 4096) / kLine);
}

TEST(OpStream, BackwardWalkPrefetchesEachLineOnce) {
  Arena arena;
  OpStream stream(OpStream::Backward);
  unsigned total = 0;
  uintptr_t first = 4096 + 999 * 200, last = 0;
  for (uintptr_t off = first;; off -= 200) {
    unsigned lines = stream.step(arena.at(off));
    EXPECT_LE(lines, OpStream::kMaxLines);
    total += lines;
    last = off;
    if (off == 4096)
      break;
  }
  // From the first op's last line (kOpBytes from its start) down to kDistance
  // below the last op's line.
  uintptr_t top = (first & ~(kLine - 1)) + OpStream::kOpBytes - kLine;
  uintptr_t bottom = (last & ~(kLine - 1)) - OpStream::kDistance;
  EXPECT_EQ(total, (top - bottom) / kLine);
}

TEST(OpStream, AnOpOutOfOrderRestartsTheStream) {
  Arena arena;
  OpStream stream;
  for (uintptr_t off = 200000; off < 210000; off += 200)
    stream.step(arena.at(off));
  // Caught up: the next op 200 bytes on needs about three new lines.
  EXPECT_LE(stream.step(arena.at(210000)), 4u);
  // An op far behind (reused memory) and one far ahead (another slab) each
  // start a new stream at the op.
  EXPECT_EQ(stream.step(arena.at(8192)), OpStream::kMaxLines);
  const void *far = arena.at(600000);
  unsigned total = stream.step(far);
  EXPECT_EQ(total, OpStream::kMaxLines);
  // The steps at that op catch up to kDistance past it, then stop.
  for (int i = 0; i < 8; ++i)
    total += stream.step(far);
  EXPECT_EQ(total, OpStream::kDistance / kLine);
  // The op two lines on needs two more.
  EXPECT_EQ(stream.step(arena.at(600000 + 2 * kLine)), 2u);
}

TEST(OpStream, OpsInNoOrderCostABoundedAmountEach) {
  Arena arena;
  std::mt19937 rng(7);
  std::uniform_int_distribution<uintptr_t> offset(0, (1 << 20) - 4096);
  for (auto dir : {OpStream::Forward, OpStream::Backward}) {
    OpStream stream(dir);
    for (int i = 0; i < 10000; ++i)
      EXPECT_LE(stream.step(arena.at(offset(rng))), OpStream::kMaxLines);
  }
}
} // namespace
