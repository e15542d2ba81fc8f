//===- Partitioning.cpp - Grouping runs of ops into partition ops ---------===//
#include "passes/Partitioning.h"
#include "ir/Builder.h"
#include "ir/Module.h"
#include "ir/Region.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/EquivalenceClasses.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringSwitch.h"

using namespace irc;

bool irc::isF32Static(Type t) {
  if (!t || !t.isTensor() || !t.hasStaticShape() || t.getDType() != DType::F32)
    return false;
  return llvm::all_of(t.getShape(), [](int64_t d) { return d > 0; });
}

bool irc::isFreeOp(Operation *op) {
  if (op->is(OpId::Constant))
    return true;
  if (!op->is(OpId::PrimListConstruct))
    return false;
  return llvm::all_of(op->getOperands(), [](Value *v) {
    Operation *d = v->getDefiningOp();
    return d && d->is(OpId::Constant);
  });
}

bool irc::isConstantValue(Value *v) {
  Operation *d = v->getDefiningOp();
  return d && isFreeOp(d);
}

bool irc::isReshapeOp(Operation *op) {
  return llvm::StringSwitch<bool>(op->getName())
      .Cases("aten.view", "aten.reshape", "aten.flatten.using_ints",
             "aten.contiguous", true)
      .Cases("aten.unsqueeze", "aten.squeeze", "aten.squeeze.dim", true)
      .Default(false);
}

bool irc::isBinaryArithmetic(llvm::StringRef name) {
  return llvm::StringSwitch<bool>(name)
      .Cases("aten.add.Tensor", "aten.add_.Tensor", "aten.add.Scalar",
             "aten.sub.Tensor", "aten.sub_.Tensor", "aten.sub.Scalar", true)
      .Cases("aten.mul.Tensor", "aten.mul_.Tensor", "aten.mul.Scalar",
             "aten.div.Tensor", "aten.div_.Tensor", "aten.div.Scalar", true)
      .Cases("aten._add_relu.Tensor", "aten._add_relu_.Tensor", true)
      .Default(false);
}

bool irc::isActivation(llvm::StringRef name) {
  return llvm::StringSwitch<bool>(name)
      .Cases("aten.relu", "aten.relu_", "aten.relu6", "aten.relu6_", true)
      .Cases("aten.hardtanh", "aten.hardtanh_", "aten.clamp", "aten.clamp_",
             true)
      .Cases("aten.clamp_min", "aten.clamp_min_", "aten.clamp_max",
             "aten.clamp_max_", true)
      .Cases("aten.hardswish", "aten.hardswish_", "aten.sigmoid",
             "aten.sigmoid_", true)
      .Cases("aten.leaky_relu", "aten.leaky_relu_", "aten.tanh", "aten.tanh_",
             true)
      .Cases("aten.hardsigmoid", "aten.hardsigmoid_", "aten.elu", "aten.elu_",
             true)
      .Default(false);
}

std::string irc::tensorOpReason(Operation *op) {
  if (!op->getNumOperands() || !isF32Static(op->getOperand(0)->getType()))
    return "input is not a non-empty float32 tensor of static shape";
  for (unsigned i = 1; i < op->getNumOperands(); ++i)
    if (!op->getOperand(i)->getType().isTensor() &&
        !isConstantValue(op->getOperand(i)))
      return "operand #" + std::to_string(i) + " is not a constant";
  return "";
}

std::optional<std::string>
irc::listOpReason(Operation *op,
                  const std::function<std::string(Operation *)> &reason) {
  llvm::StringRef name = op->getName();
  if (name == "aten.cat") {
    Operation *list = op->getOperand(0)->getDefiningOp();
    if (!list || !list->is(OpId::PrimListConstruct) ||
        !op->getOperand(0)->hasOneUse() || !isConstantValue(op->getOperand(1)))
      return std::string("its list is not built next to it");
    for (Value *v : list->getOperands())
      if (!isF32Static(v->getType()))
        return std::string(
            "an input is not a non-empty float32 tensor of static shape");
    return std::string();
  }
  if (name == "aten.chunk" || name == "aten.split.Tensor") {
    if (std::string r = tensorOpReason(op); !r.empty())
      return r;
    Value *list = op->getResult(0);
    if (!list->hasOneUse() ||
        !(*list->getUsers().begin())->is(OpId::PrimListUnpack))
      return std::string("its parts are not taken apart by prim.list_unpack");
    return std::string();
  }
  if (name == "prim.list_unpack") {
    Operation *def = op->getOperand(0)->getDefiningOp();
    if (!def || (def->getName() != "aten.chunk" &&
                 def->getName() != "aten.split.Tensor"))
      return std::string("not the parts of a chunk or split");
    return reason(def);
  }
  return std::nullopt;
}

std::optional<double> irc::constantDouble(Value *v) {
  Attribute a = getConstantValue(v);
  if (a && a.is(Attribute::Kind::Float))
    return a.getFloat();
  if (a && a.is(Attribute::Kind::Int))
    return double(a.getInt());
  return std::nullopt;
}

bool irc::isNoneConstant(Value *v) {
  Attribute a = getConstantValue(v);
  return a && a.is(Attribute::Kind::None);
}

namespace {

/// Which tensors share memory, as far as partitions care: a partition's
/// reshapes and chunks copy, and its in-place ops write a new buffer, which
/// is only right when no alias of the value is written or read elsewhere.
/// Values are grouped by the schemas' alias annotations (`Tensor(a) self ->
/// Tensor(a)`) and through lists and tuples; a group is written when an op
/// writes one of its values (`Tensor(a!)`).
class Aliases {
public:
  explicit Aliases(Operation *func) {
    func->walk([&](Operation *op) {
      const OpInfo *info = op->getInfo();
      bool container =
          op->is(OpId::PrimListConstruct) || op->is(OpId::PrimListUnpack) ||
          op->is(OpId::PrimTupleConstruct) || op->is(OpId::PrimTupleUnpack) ||
          op->is(OpId::PrimUncheckedCast);
      if (container) {
        for (Value *r : op->getResults())
          for (Value *v : op->getOperands())
            classes.unionSets(r, v);
        return;
      }
      if (!info)
        return;
      // Writes the schemas do not annotate: batch and instance norm update
      // their running stats unless told not to.
      if (op->is(OpId::AtenBatchNorm) || op->is(OpId::AtenInstanceNorm)) {
        Attribute update = getConstantValue(op->getOperand(5));
        if (!update || !update.is(Attribute::Kind::Bool) || update.getBool())
          written.append({op->getOperand(3), op->getOperand(4)});
      }
      const Schema &schema = info->schema;
      for (size_t i = 0; i < schema.params.size() && i < op->getNumOperands();
           ++i) {
        const SchemaType &t = schema.params[i].type;
        if (t.isWritten())
          written.push_back(op->getOperand(i));
        for (size_t j = 0; j < schema.results.size() && j < op->getNumResults();
             ++j)
          if (!t.alias.empty() &&
              letter(t.alias) == letter(aliasOf(schema.results[j])))
            classes.unionSets(op->getResult(j), op->getOperand(i));
      }
    });
    for (Value *v : written)
      writtenLeaders.insert(classes.getOrInsertLeaderValue(v));
  }

  bool isWritten(Value *v) {
    return writtenLeaders.count(classes.getOrInsertLeaderValue(v));
  }
  /// `a` and `b` are one tensor (a partition's result and the value it
  /// stands for).
  void join(Value *a, Value *b) {
    bool written = isWritten(a) || isWritten(b);
    classes.unionSets(a, b);
    if (written)
      writtenLeaders.insert(classes.getOrInsertLeaderValue(a));
  }
  /// The values that share memory with `v`, `v` included.
  llvm::iterator_range<llvm::EquivalenceClasses<Value *>::member_iterator>
  members(Value *v) {
    auto it = classes.findValue(classes.getOrInsertLeaderValue(v));
    return {classes.member_begin(it), classes.member_end()};
  }

private:
  /// The annotation of `t` or of its elements (`Tensor(a)[]`).
  static llvm::StringRef aliasOf(const SchemaType &t) {
    llvm::StringRef alias = t.alias;
    t.forEachNested([&](const SchemaType &nested) {
      if (alias.empty())
        alias = nested.alias;
    });
    return alias;
  }
  static llvm::StringRef letter(llvm::StringRef alias) {
    return alias.take_while([](char c) { return c != '!' && c != ' '; });
  }
  llvm::EquivalenceClasses<Value *> classes;
  llvm::SmallVector<Value *, 8> written;
  llvm::DenseSet<Value *> writtenLeaders;
};

/// Whether `op` returns a view of its first operand (`Tensor(a) self ->
/// Tensor(a)` in its schema: transpose, permute, ...), which copies inside
/// a partition.
bool returnsView(Operation *op) {
  const OpInfo *info = op->getInfo();
  if (!info || op->hasTrait(InPlace) || info->schema.params.empty() ||
      info->schema.results.empty())
    return false;
  const SchemaType &in = info->schema.params[0].type,
                   &out = info->schema.results[0];
  return !in.alias.empty() && !in.isWritten() && in.alias == out.alias;
}

/// Whether `op` computes (a partition of only reshapes, lists and
/// transfers is not worth it).
bool computes(Operation *op) {
  return !isReshapeOp(op) && !op->is(OpId::PrimListConstruct) &&
         !op->is(OpId::PrimListUnpack) && op->getName() != "aten.chunk" &&
         op->getName() != "aten.split.Tensor" && !op->is(OpId::VkToVulkan) &&
         !op->is(OpId::VkToCpu);
}

class Partitioner {
public:
  Partitioner(const PartitionTarget &target, Aliases &aliases,
              uint64_t &partitions, uint64_t &ops)
      : target(target), aliases(&aliases), partitions(partitions), ops_(ops) {}

  void partitionBlock(Block &block) {
    llvm::SmallVector<Operation *, 32> run;
    llvm::SmallPtrSet<Operation *, 32> inRun;
    auto flush = [&] {
      if (llvm::any_of(run, computes))
        makePartition(run);
      run.clear();
      inRun.clear();
    };
    for (Operation &op : llvm::make_early_inc_range(block)) {
      for (unsigned i = 0; i < op.getNumRegions(); ++i)
        for (Block &nested : op.getRegion(i))
          partitionBlock(nested);
      if (isFreeOp(&op) || op.hasTrait(Terminator))
        continue;
      if (!joins(&op, inRun)) {
        flush();
        if (!joins(&op, inRun))
          continue; // the op may begin the next run
      }
      run.push_back(&op);
      inRun.insert(&op);
    }
    flush();
  }

  bool joins(Operation *op, const llvm::SmallPtrSetImpl<Operation *> &inRun) {
    // A tensor list joins with the cat that reads it.
    if (op->is(OpId::PrimListConstruct))
      return op->getResult(0)->hasOneUse() &&
             target.reason(*op->getResult(0)->getUsers().begin()).empty();
    if (!target.reason(op).empty())
      return false;
    if (op->is(OpId::PrimListUnpack))
      return inRun.count(op->getOperand(0)->getDefiningOp());
    if (op->getName() == "aten.cat" &&
        !inRun.count(op->getOperand(0)->getDefiningOp()))
      return false;
    // Views copy inside a partition: fine unless the memory is written.
    if (isReshapeOp(op) || returnsView(op) || op->is(OpId::PrimListUnpack) ||
        op->getName() == "aten.chunk" || op->getName() == "aten.split.Tensor")
      return !aliases->isWritten(op->getOperand(0));
    if (op->hasTrait(InPlace)) {
      // The write goes to a new buffer: nothing may read the old value
      // afterwards. So every alias made before this op is made in the run
      // and read once, by the next op of a chain of in-place ops (resnet's
      // `out += identity; out = relu_(out)`); aliases made later hold the
      // new value (and their own in-place ops are judged when they come).
      Value *written = op->getOperand(0);
      Operation *def = written->getDefiningOp();
      if (!def || !inRun.count(def) || !written->hasOneUse())
        return false;
      return llvm::all_of(aliases->members(written), [&](Value *v) {
        Operation *d = v->getDefiningOp();
        if (!d)
          return false;
        if (inRun.count(d))
          return v->hasOneUse();
        return d == op ||
               (d->getBlock() == op->getBlock() && op->isBeforeInBlock(d));
      });
    }
    return true;
  }

  void makePartition(llvm::ArrayRef<Operation *> ops) {
    Context &ctx = ops.front()->getContext();
    llvm::SmallPtrSet<Operation *, 32> members(ops.begin(), ops.end());
    llvm::SetVector<Value *> inputs, outputs;
    llvm::SetVector<Operation *> freeOps;
    std::function<void(Value *)> needFree = [&](Value *v) {
      Operation *d = v->getDefiningOp();
      for (Value *o : d->getOperands())
        needFree(o);
      freeOps.insert(d);
    };
    for (Operation *op : ops) {
      for (Value *v : op->getOperands()) {
        Operation *d = v->getDefiningOp();
        if (d && members.count(d))
          continue;
        if (d && isFreeOp(d))
          needFree(v);
        else
          inputs.insert(v);
      }
      for (Value *r : op->getResults())
        for (Operation *user : r->getUsers())
          if (!members.count(user))
            outputs.insert(r);
    }
    llvm::SmallVector<Type, 4> resultTypes;
    for (Value *v : outputs)
      resultTypes.push_back(v->getType());
    Builder b(ctx);
    b.setInsertionPoint(ops.front());
    Operation *partition =
        b.create(ops.front()->getLoc(), target.partition, resultTypes,
                 llvm::SmallVector<Value *, 4>(inputs.begin(), inputs.end()));
    Block &body = partition->getRegion(0).emplaceBlock();
    IRMapping map;
    for (Value *v : inputs)
      map.map(v, body.addArgument(v->getType(), v->getNameHint()));
    b.setInsertionPointToEnd(&body);
    for (Operation *op : freeOps)
      b.clone(*op, map);
    for (Operation *op : ops) {
      op->remove();
      body.push_back(op);
      for (OpOperand &operand : op->getOpOperands())
        if (Value *mapped = map.lookupOrNull(operand.get()))
          operand.set(mapped);
    }
    b.setInsertionPointToEnd(&body);
    b.create(ops.back()->getLoc(), OpId::PrimYield, {},
             llvm::SmallVector<Value *, 4>(outputs.begin(), outputs.end()));
    for (unsigned i = 0; i < outputs.size(); ++i) {
      aliases->join(outputs[i], partition->getResult(i));
      outputs[i]->replaceUsesWithIf(partition->getResult(i), [&](OpOperand &u) {
        return u.getOwner() != nullptr &&
               u.getOwner()->getParentOp() != partition;
      });
    }
    // Constants now copied into the partition may have no other use.
    for (Operation *op : llvm::reverse(freeOps))
      if (op->use_empty())
        op->erase();
    ++partitions;
    ops_ += ops.size();
  }

  const PartitionTarget &target;
  Aliases *aliases;
  uint64_t &partitions, &ops_;
};

} // namespace

LogicalResult PartitionPass::run(Operation *module) {
  uint64_t partitions = 0, ops = 0;
  for (Operation &func : module->getRegion(0).front()) {
    if (!func.is(OpId::Func))
      continue;
    Aliases aliases(&func);
    Partitioner(target, aliases, partitions, ops)
        .partitionBlock(func.getRegion(0).front());
  }
  numPartitions += partitions;
  numOps += ops;
  return success();
}

std::string irc::whyNotInPartition(Operation *op,
                                   const PartitionTarget &target) {
  if (isFreeOp(op))
    return "";
  if (op->is(OpId::PrimListConstruct))
    return op->getResult(0)->hasOneUse()
               ? target.reason(*op->getResult(0)->getUsers().begin())
               : "a list used more than once";
  return target.reason(op);
}
