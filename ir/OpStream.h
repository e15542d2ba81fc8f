//===- OpStream.h - Prefetching ahead of a walk over ops --------*- C++ -*-===//
//
// The context's OpAllocator carves ops from slabs in creation order, so the
// ops of a block lie mostly in ascending address order, with the holes of
// erased ops between them. A walk over a block that does not fit in the
// cache follows one pointer per op, and each op's miss waits for the one
// before it: at 100,000 ops, a dce walk that erased nothing took about
// 100 ns per op here, against 5 ns when the block fits in the cache.
//
// An OpStream turns such a walk into a stream. At each op it prefetches
// every cache line from that op to kDistance bytes further in the walk's
// direction, so the misses of the ops ahead overlap. An op out of address
// order (memory an erased op left, another slab) restarts the stream there;
// one step prefetches at most kMaxLines lines, so a walk in no address order
// pays a small, bounded cost per op. Lines of erased ops are loaded too:
// cheap next to waiting for each op.
//
//===----------------------------------------------------------------------===//
#ifndef IRC_IR_OPSTREAM_H
#define IRC_IR_OPSTREAM_H

#include <cstdint>

namespace irc {

class OpStream {
public:
  static constexpr uintptr_t kLine = 64;
  /// How far ahead of the op the stream runs: 2 KB, about ten ops.
  static constexpr uintptr_t kDistance = 2048;
  /// The most lines one step prefetches.
  static constexpr unsigned kMaxLines = 16;
  /// The bytes of an op that a walk reads: its fields, results and first
  /// operands (where a backward stream starts).
  static constexpr uintptr_t kOpBytes = 3 * kLine;

  /// Forward: the walk goes from a block's first op to its last (ascending
  /// addresses); Backward: from last to first.
  enum Direction { Forward, Backward };
  explicit OpStream(Direction dir = Forward) : dir(dir) {}

  /// The walk has reached (or is about to reach) the op at `op`. Returns the
  /// number of lines prefetched.
  unsigned step(const void *op) {
    uintptr_t at = reinterpret_cast<uintptr_t>(op) & ~(kLine - 1);
    unsigned lines = 0;
    if (dir == Forward) {
      // `next` is the lowest line not yet prefetched, from the op's first
      // line up.
      if (next < at || next > at + kDistance + kLine)
        next = at;
      for (; next < at + kDistance && lines < kMaxLines; next += kLine, ++lines)
        __builtin_prefetch(reinterpret_cast<const void *>(next));
      return lines;
    }
    // `next` is the highest line not yet prefetched, from the op's last
    // line down.
    uintptr_t top = at + kOpBytes - kLine;
    if (next > top || next + kDistance + kLine < at)
      next = top;
    uintptr_t end = at > kDistance ? at - kDistance : 0;
    for (; next > end && lines < kMaxLines; next -= kLine, ++lines)
      __builtin_prefetch(reinterpret_cast<const void *>(next));
    return lines;
  }

private:
  Direction dir;
  uintptr_t next = 0;
};

} // namespace irc

#endif // IRC_IR_OPSTREAM_H
