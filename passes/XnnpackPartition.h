//===- XnnpackPartition.h - What XNNPACK partitions hold --------*- C++ -*-===//
#ifndef IRC_PASSES_XNNPACKPARTITION_H
#define IRC_PASSES_XNNPACKPARTITION_H

#include "ir/Operation.h"

#include <string>

namespace irc {

/// What the xnnpack backend runs after the cpu mobile pipeline: ops raised
/// to forms XNNPACK has, then partitions.
inline constexpr const char *XnnpackPipeline =
    "fuse-channel-shuffle,xnnpack-partition";

/// Why the xnnpack-partition pass leaves `op` out of partitions ("control
/// flow", "alpha is not the constant 1"), or "" when it can go in. An op may
/// still be left out for where it stands (an in-place op on a partition
/// input).
std::string whyNotXnnpack(Operation *op);

} // namespace irc

#endif // IRC_PASSES_XNNPACKPARTITION_H
