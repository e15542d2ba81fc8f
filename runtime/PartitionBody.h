//===- PartitionBody.h - What partition compilers share ---------*- C++ -*-===//
//
// The XNNPACK and Vulkan backends compile a partition's region into their
// own operators or dispatches. Both keep the region's non-tensor values
// (constants and lists of them) on the host, and name the op in errors.
//
//===----------------------------------------------------------------------===//
#ifndef IRC_RUNTIME_PARTITIONBODY_H
#define IRC_RUNTIME_PARTITIONBODY_H

#include "runtime/Plan.h"

#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

namespace irc::rt {

/// The host-side values of a partition being compiled: constants by
/// register, and the items of lists of tensors (cat's operand).
struct PartitionValues {
  std::unordered_map<uint32_t, Value> consts;
  std::unordered_map<uint32_t, std::vector<uint32_t>> tensorLists;

  /// A prim.list_construct: a constant list when every item is a
  /// constant, else a list of the partition's tensors.
  void listConstruct(const Instr &in) {
    std::vector<Value> items;
    for (uint32_t r : in.operands) {
      auto it = consts.find(r);
      if (it == consts.end()) {
        tensorLists[in.results.at(0)] = in.operands;
        return;
      }
      items.push_back(it->second);
    }
    consts[in.results.at(0)] = Value::list(std::move(items));
  }
};

/// The region of partition instruction `partition`, which a compiled model's
/// file may have left out.
inline const Block &partitionBody(const Instr &partition) {
  if (partition.regions.size() != 1)
    throw Error(partition.opName + ": a partition has one region, not " +
                std::to_string(partition.regions.size()));
  return partition.regions[0];
}

/// `e` prefixed with the op's location and name, as the executor does.
inline Error inOp(const Instr &in, const Error &e) {
  std::string where = in.location.empty() ? "" : in.location + ": ";
  return Error(where + in.opName + ": " + e.what());
}

/// The error for an instruction that lacks an operand, result or attribute
/// its op needs: builders read them with at(), and a compiled model's file
/// may have left them out.
inline Error missingPart(const Instr &in) {
  return inOp(in, Error("an operand, result or attribute the op needs is "
                        "missing"));
}

/// Compiles the instructions of a partition's `body` in order. A tensor
/// constant goes to `onTensorConstant(in, tensor)`, other constants and
/// prim.list_construct stay in `values`, and every other kernel goes to
/// `build(in)`. `now` counts the instructions (buffers' lifetimes are in its
/// steps). An error is reported with the op it is in.
template <typename OnTensorConstant, typename Build>
void compileInstrs(const Block &body, const Plan &plan, PartitionValues &values,
                   int64_t &now, OnTensorConstant onTensorConstant,
                   Build build) {
  for (const Instr &in : body.instrs) {
    ++now;
    try {
      if (in.kind == Instr::Kind::Constant) {
        const Value &v = plan.constants.at(in.index);
        if (v.isTensor())
          onTensorConstant(in, v.toTensor());
        else
          values.consts[in.results.at(0)] = v;
      } else if (in.kind != Instr::Kind::Kernel) {
        throw Error("control flow cannot be in a partition");
      } else if (in.opName == "prim.list_construct") {
        values.listConstruct(in);
      } else {
        build(in);
      }
    } catch (const Error &e) {
      throw inOp(in, e);
    } catch (const std::out_of_range &) {
      throw missingPart(in);
    }
  }
  ++now;
}

} // namespace irc::rt

#endif // IRC_RUNTIME_PARTITIONBODY_H
