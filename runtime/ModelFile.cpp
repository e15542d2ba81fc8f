//===- ModelFile.cpp - Compiled models (.ircm) ----------------------------===//
//
// Layout (little-endian; docs/ModelFile.md):
//
//   0   "IRCM"            magic
//   4   u32 version       ModelFileVersion
//   8   u64 headerSize    bytes of the protobuf header at offset 40
//   16  u64 weightsOffset 64-byte aligned, after the header and zero padding
//   24  u64 weightsSize   the weights section runs to the end of the file
//   32  u32 crc32         of bytes [0, 32) and [40, end)
//   36  u32 reserved      0
//
//===----------------------------------------------------------------------===//

#include "runtime/ModelFile.h"
#include "ircm.pb.h"

#include <zlib.h>

#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <functional>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <unordered_map>
#include <unordered_set>

using namespace irc::rt;
namespace ircm = irc::ircm;

namespace {

constexpr char Magic[4] = {'I', 'R', 'C', 'M'};
constexpr size_t PrefixSize = 40, Alignment = 64;
/// Bounds that no real model reaches and that keep a hostile file from
/// asking for absurd allocations before anything else fails. The nesting cap
/// is the format's, not an input limit: protobuf refuses messages nested
/// over 100 deep, and a level of values or regions is two messages.
constexpr uint32_t MaxRegisters = 1u << 24;
constexpr size_t MaxNesting = 32;

void putU32(char *p, uint32_t v) {
  for (int i = 0; i < 4; ++i)
    p[i] = char(v >> (8 * i));
}
void putU64(char *p, uint64_t v) {
  for (int i = 0; i < 8; ++i)
    p[i] = char(v >> (8 * i));
}
uint32_t getU32(const unsigned char *p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i)
    v = v << 8 | p[i];
  return v;
}
uint64_t getU64(const unsigned char *p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i)
    v = v << 8 | p[i];
  return v;
}

/// CRC-32 of the prefix's first 32 bytes and everything after the prefix.
uint32_t checksum(const unsigned char *file, uint64_t size) {
  uLong crc = crc32(0L, file, 32);
  // zlib takes sizes as uInt: feed large sections in pieces.
  for (uint64_t at = PrefixSize; at < size;) {
    uInt n = uInt(std::min<uint64_t>(size - at, 1u << 30));
    crc = crc32(crc, file + at, n);
    at += n;
  }
  return uint32_t(crc);
}

//===----------------------------------------------------------------------===//
// Writing
//===----------------------------------------------------------------------===//

class Writer {
public:
  void plan(const Plan &plan, ircm::Model &model) {
    model.set_backend(plan.backend);
    for (const Value &c : plan.constants)
      value(c, *model.add_constants());
    for (const Function &fn : plan.functions)
      function(fn, *model.add_functions());
  }
  std::string weights;

private:
  void function(const Function &fn, ircm::Function &out) {
    out.set_name(fn.name);
    for (const TypeSpec &t : fn.argTypes)
      type(t, *out.add_arg_types());
    for (const TypeSpec &t : fn.resultTypes)
      type(t, *out.add_result_types());
    for (const std::string &n : fn.argNames)
      out.add_arg_names(n);
    out.set_num_registers(fn.numRegisters);
    block(fn.body, *out.mutable_body());
  }

  void block(const Block &b, ircm::Block &out) {
    for (uint32_t r : b.args)
      out.add_args(r);
    for (const TypeSpec &t : b.argTypes)
      type(t, *out.add_arg_types());
    for (const Instr &in : b.instrs)
      instr(in, *out.add_instrs());
    for (uint32_t r : b.results)
      out.add_results(r);
  }

  void instr(const Instr &in, ircm::Instr &out) {
    out.set_kind(ircm::Instr::Kind(in.kind));
    out.set_op(in.opName);
    out.set_index(in.index);
    out.set_copy(in.copy);
    for (uint32_t r : in.operands)
      out.add_operands(r);
    for (uint32_t r : in.results)
      out.add_results(r);
    for (const TypeSpec &t : in.resultTypes)
      type(t, *out.add_result_types());
    // Attributes before regions: the order shared values are numbered in.
    for (const auto &[name, v] : in.attrs) {
      ircm::NamedValue &a = *out.add_attrs();
      a.set_name(name);
      value(v, *a.mutable_value());
    }
    for (const Block &b : in.regions)
      block(b, *out.add_regions());
    out.set_location(in.location);
  }

  static void type(const TypeSpec &t, ircm::TypeSpec &out) {
    out.set_kind(t.kind == TypeSpec::Kind::Tensor   ? ircm::TypeSpec::TENSOR
                 : t.kind == TypeSpec::Kind::Int    ? ircm::TypeSpec::INT
                 : t.kind == TypeSpec::Kind::Double ? ircm::TypeSpec::DOUBLE
                 : t.kind == TypeSpec::Kind::Bool   ? ircm::TypeSpec::BOOL
                 : t.kind == TypeSpec::Kind::String ? ircm::TypeSpec::STRING
                                                    : ircm::TypeSpec::OTHER);
    out.set_ranked(t.ranked);
    for (int64_t s : t.sizes)
      out.add_sizes(s);
    out.set_has_dtype(t.dtype.has_value());
    if (t.dtype)
      out.set_dtype(ircm::DType(*t.dtype));
    out.set_text(t.text);
  }

  /// Lists, dicts and objects are written once; later holders refer to the
  /// first by its number.
  bool sharedBefore(const void *p, ircm::Value &out) {
    auto [it, inserted] = shared.try_emplace(p, uint32_t(shared.size()));
    if (!inserted)
      out.set_shared(it->second);
    return !inserted;
  }

  void value(const Value &v, ircm::Value &out) {
    switch (v.kind()) {
    case Value::Kind::None:
      out.set_none(true);
      return;
    case Value::Kind::Int:
      out.set_int_(v.toInt());
      return;
    case Value::Kind::Double:
      out.set_double_(v.toDouble());
      return;
    case Value::Kind::Bool:
      out.set_bool_(v.toBool());
      return;
    case Value::Kind::String:
      out.set_string(v.toString());
      return;
    case Value::Kind::Device:
      out.set_device(v.toString());
      return;
    case Value::Kind::Tensor:
      tensor(v.toTensor(), *out.mutable_tensor());
      return;
    case Value::Kind::List:
      if (!sharedBefore(&v.toList(), out)) {
        ircm::Values &l = *out.mutable_list();
        for (const Value &item : v.items())
          value(item, *l.add_items());
      }
      return;
    case Value::Kind::Tuple: {
      ircm::Values &t = *out.mutable_tuple();
      for (const Value &item : v.items())
        value(item, *t.add_items());
      return;
    }
    case Value::Kind::Dict:
      if (!sharedBefore(&v.toDict(), out)) {
        ircm::Dict &d = *out.mutable_dict();
        for (const auto &[key, item] : v.toDict().entries) {
          value(key, *d.add_keys());
          value(item, *d.add_values());
        }
      }
      return;
    case Value::Kind::Object:
      if (!sharedBefore(&v.toObject(), out)) {
        const Object &o = v.toObject();
        ircm::Object &obj = *out.mutable_object();
        obj.set_class_name(o.className);
        for (const auto &[name, field] : o.fields) {
          ircm::NamedValue &f = *obj.add_fields();
          f.set_name(name);
          value(field, *f.mutable_value());
        }
      }
      return;
    }
  }

  /// A tensor names its storage's bytes, written once per storage.
  void tensor(const Tensor &t, ircm::Tensor &out) {
    if (!t.defined())
      throw Error("an undefined tensor cannot be saved");
    const Storage &s = *t.getStorage();
    auto [it, inserted] = storages.try_emplace(&s, 0);
    if (inserted) {
      weights.resize((weights.size() + Alignment - 1) / Alignment * Alignment);
      it->second = weights.size();
      weights.append(s.data(), s.size());
    }
    out.set_dtype(ircm::DType(t.dtype()));
    for (int64_t d : t.sizes())
      out.add_sizes(d);
    for (int64_t d : t.strides())
      out.add_strides(d);
    out.set_storage_offset(t.storageOffset());
    out.set_offset(it->second);
    out.set_nbytes(s.size());
    out.set_writable(!s.isReadOnly());
  }

  std::unordered_map<const void *, uint32_t> shared;
  std::unordered_map<const Storage *, uint64_t> storages;
};

//===----------------------------------------------------------------------===//
// Reading
//===----------------------------------------------------------------------===//

/// A read-only mapping of the whole file, shared by the tensors viewing it.
struct Mapping {
  void *base = MAP_FAILED;
  size_t size = 0;
  ~Mapping() {
    if (base != MAP_FAILED)
      munmap(base, size);
  }
};

class Reader {
public:
  Reader(std::string path, const KernelRegistry &registry,
         const irc::InputLimits &limits)
      : path(std::move(path)), registry(registry), limits(limits) {}

  Plan read(ModelFileInfo *info) {
    map();
    const auto *bytes = static_cast<const unsigned char *>(file->base);
    const uint64_t size = file->size;
    if (size < 4 || std::memcmp(bytes, Magic, 4) != 0)
      fail("not an irc compiled model (no IRCM magic at offset 0)");
    if (size < PrefixSize)
      fail("truncated: " + std::to_string(size) +
           " bytes, less than the 40-byte prefix");
    uint32_t version = getU32(bytes + 4);
    if (version != ModelFileVersion)
      fail("format version " + std::to_string(version) +
           " (this runtime reads " + std::to_string(ModelFileVersion) + ")");
    uint64_t headerSize = getU64(bytes + 8), weightsOffset = getU64(bytes + 16),
             end;
    weightsSize = getU64(bytes + 24);
    if (__builtin_add_overflow(weightsOffset, weightsSize, &end))
      fail("the weights offset and size in the prefix overflow");
    if (end != size)
      fail("the prefix says the file has " + std::to_string(end) +
           " bytes but it has " + std::to_string(size) +
           " (truncated, or bytes after the end)");
    if (headerSize > size - PrefixSize)
      fail("header of " + std::to_string(headerSize) +
           " bytes at offset 40 runs past the end of the file (" +
           std::to_string(size) + " bytes)");
    if (weightsOffset % Alignment || weightsOffset < PrefixSize + headerSize)
      fail("weights offset " + std::to_string(weightsOffset) +
           " is not a 64-byte boundary after the header's end (" +
           std::to_string(PrefixSize + headerSize) + ")");
    if (getU32(bytes + 36) != 0)
      fail("reserved field at offset 36 is not 0");
    for (uint64_t at = PrefixSize + headerSize; at < weightsOffset; ++at)
      if (bytes[at])
        fail("padding byte at offset " + std::to_string(at) + " is not 0");
    if (uint32_t crc = checksum(bytes, size); crc != getU32(bytes + 32))
      fail("checksum mismatch: the file is corrupted or truncated");
    weights = bytes + weightsOffset;

    ircm::Model model;
    if (headerSize > size_t(INT32_MAX) ||
        !model.ParseFromArray(bytes + PrefixSize, int(headerSize)))
      fail("the header at offset 40 is not a valid model description");
    if (info) {
      info->producer = model.producer();
      info->source = model.source();
    }
    Plan plan;
    plan.backend = model.backend();
    if (registry.ops(plan.backend).empty())
      throw BackendUnavailable(path + ": the model was compiled for the '" +
                               plan.backend +
                               "' backend, which this runtime does not have");
    for (int i = 0; i < model.constants_size(); ++i) {
      where = "constant " + std::to_string(i);
      plan.constants.push_back(value(model.constants(i), 0));
    }
    plan.functions.resize(size_t(model.functions_size()));
    for (int i = 0; i < model.functions_size(); ++i)
      plan.functions[size_t(i)].name = model.functions(i).name();
    for (int i = 0; i < model.functions_size(); ++i)
      function(model.functions(i), plan, plan.functions[size_t(i)]);
    checkCalls(plan);
    return plan;
  }

private:
  [[noreturn]] void fail(const std::string &what) const {
    throw Error(path + ": " + what);
  }
  /// A problem inside the header: names where.
  [[noreturn]] void bad(const std::string &what) const {
    fail(where + ": " + what);
  }

  void map() {
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
      fail(std::string("cannot open: ") + std::strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      close(fd);
      fail("not a regular file");
    }
    file = std::make_shared<Mapping>();
    file->size = size_t(st.st_size);
    if (file->size)
      file->base = mmap(nullptr, file->size, PROT_READ, MAP_PRIVATE, fd, 0);
    int err = errno;
    close(fd);
    if (file->size == 0)
      fail("empty file");
    if (file->base == MAP_FAILED)
      fail(std::string("cannot map: ") + std::strerror(err));
  }

  DType dtype(int code) const {
    if (!ircm::DType_IsValid(code))
      bad("unknown dtype " + std::to_string(code));
    return DType(code);
  }

  TypeSpec type(const ircm::TypeSpec &t) const {
    TypeSpec out;
    switch (t.kind()) {
    case ircm::TypeSpec::TENSOR:
      out.kind = TypeSpec::Kind::Tensor;
      break;
    case ircm::TypeSpec::INT:
      out.kind = TypeSpec::Kind::Int;
      break;
    case ircm::TypeSpec::DOUBLE:
      out.kind = TypeSpec::Kind::Double;
      break;
    case ircm::TypeSpec::BOOL:
      out.kind = TypeSpec::Kind::Bool;
      break;
    case ircm::TypeSpec::STRING:
      out.kind = TypeSpec::Kind::String;
      break;
    case ircm::TypeSpec::OTHER:
      break;
    default:
      bad("unknown type kind " + std::to_string(t.kind()));
    }
    out.ranked = t.ranked();
    for (int64_t s : t.sizes()) {
      if (s < -1)
        bad("type " + t.text() + " has size " + std::to_string(s));
      out.sizes.push_back(s);
    }
    if (t.has_dtype())
      out.dtype = dtype(t.dtype());
    out.text = t.text();
    return out;
  }

  Value value(const ircm::Value &v, size_t depth) {
    if (depth > MaxNesting)
      bad("values nested more than " + std::to_string(MaxNesting) + " deep");
    switch (v.kind_case()) {
    case ircm::Value::kNone:
    case ircm::Value::KIND_NOT_SET:
      return Value();
    case ircm::Value::kInt:
      return Value(int64_t(v.int_()));
    case ircm::Value::kDouble:
      return Value(v.double_());
    case ircm::Value::kBool:
      return Value(v.bool_());
    case ircm::Value::kString:
      return Value(v.string());
    case ircm::Value::kDevice:
      return Value(Device{v.device()});
    case ircm::Value::kTensor:
      return Value(tensor(v.tensor()));
    case ircm::Value::kList: {
      auto list = std::make_shared<List>();
      size_t index = share(list);
      for (const ircm::Value &item : v.list().items())
        list->items.push_back(value(item, depth + 1));
      sharedDone[index] = true;
      return Value(list);
    }
    case ircm::Value::kTuple: {
      std::vector<Value> items;
      for (const ircm::Value &item : v.tuple().items())
        items.push_back(value(item, depth + 1));
      return Value::tuple(std::move(items));
    }
    case ircm::Value::kDict: {
      if (v.dict().keys_size() != v.dict().values_size())
        bad("a dict with " + std::to_string(v.dict().keys_size()) +
            " keys and " + std::to_string(v.dict().values_size()) + " values");
      auto dict = std::make_shared<Dict>();
      size_t index = share(dict);
      for (int i = 0; i < v.dict().keys_size(); ++i)
        dict->entries.emplace_back(value(v.dict().keys(i), depth + 1),
                                   value(v.dict().values(i), depth + 1));
      sharedDone[index] = true;
      return Value(dict);
    }
    case ircm::Value::kObject: {
      auto object = std::make_shared<Object>();
      size_t index = share(object);
      object->className = v.object().class_name();
      for (const ircm::NamedValue &f : v.object().fields())
        object->fields.emplace_back(f.name(), value(f.value(), depth + 1));
      sharedDone[index] = true;
      return Value(object);
    }
    case ircm::Value::kShared:
      if (v.shared() >= shared.size())
        bad("reference to shared value " + std::to_string(v.shared()) + " of " +
            std::to_string(shared.size()));
      // A container cannot hold itself: the cycle would never be freed.
      if (!sharedDone[v.shared()])
        bad("shared value " + std::to_string(v.shared()) +
            " is referenced from inside itself");
      return shared[v.shared()];
    }
    bad("unknown value kind " + std::to_string(v.kind_case()));
  }

  template <typename T> size_t share(const std::shared_ptr<T> &container) {
    shared.emplace_back(container);
    sharedDone.push_back(false);
    return shared.size() - 1;
  }

  Tensor tensor(const ircm::Tensor &t) {
    DType type = dtype(t.dtype());
    uint64_t offset = t.offset(), nbytes = t.nbytes();
    if (offset % Alignment || offset > weightsSize ||
        nbytes > weightsSize - offset)
      bad("tensor bytes [" + std::to_string(offset) + ", +" +
          std::to_string(nbytes) + ") are not a 64-byte aligned range of the " +
          std::to_string(weightsSize) + "-byte weights section");
    if (nbytes > limits.maxTensorBytes)
      bad("a tensor of " + std::to_string(nbytes) +
          " bytes is over the limit of " +
          std::to_string(limits.maxTensorBytes) + " (--max-tensor-bytes)");
    if (nbytes % elementSize(type))
      bad(std::to_string(nbytes) + " bytes are not a whole number of " +
          dtypeName(type) + " elements");
    if (t.sizes_size() != t.strides_size())
      bad("tensor with " + std::to_string(t.sizes_size()) + " sizes and " +
          std::to_string(t.strides_size()) + " strides");
    // Tensors that shared a storage share it again: each is a view of one
    // flat tensor over the storage's bytes.
    Tensor &base = storages[{offset, nbytes, t.writable(), type}];
    if (!base.defined()) {
      Shape elements{int64_t(nbytes / elementSize(type))};
      if (t.writable()) {
        base = Tensor::zeros(type, elements);
        std::memcpy(base.rawMutableData(), weights + offset, nbytes);
      } else {
        base = Tensor::wrap(type, elements, weights + offset, file);
      }
    }
    try {
      return base.asStrided(Shape(t.sizes().begin(), t.sizes().end()),
                            Shape(t.strides().begin(), t.strides().end()),
                            t.storage_offset());
    } catch (const Error &e) {
      bad(e.what());
    }
  }

  void function(const ircm::Function &f, const Plan &plan, Function &out) {
    where = "function '" + f.name() + "'";
    if (f.num_registers() > MaxRegisters)
      bad(std::to_string(f.num_registers()) + " registers (at most " +
          std::to_string(MaxRegisters) + ")");
    numRegisters = f.num_registers();
    for (const ircm::TypeSpec &t : f.arg_types())
      out.argTypes.push_back(type(t));
    for (const ircm::TypeSpec &t : f.result_types())
      out.resultTypes.push_back(type(t));
    out.argNames.assign(f.arg_names().begin(), f.arg_names().end());
    if (!out.argNames.empty() && out.argNames.size() != out.argTypes.size())
      bad(std::to_string(out.argNames.size()) + " argument names for " +
          std::to_string(out.argTypes.size()) + " arguments");
    out.numRegisters = numRegisters;
    out.body = block(f.body(), plan, 0, where);
    if (out.body.args.size() != out.argTypes.size() ||
        out.body.results.size() != out.resultTypes.size())
      bad("the body takes " + std::to_string(out.body.args.size()) +
          " arguments and returns " + std::to_string(out.body.results.size()) +
          " values, the signature says " + std::to_string(out.argTypes.size()) +
          " and " + std::to_string(out.resultTypes.size()));
  }

  std::vector<uint32_t>
  registers(const google::protobuf::RepeatedField<uint32_t> &regs,
            const char *what) const {
    for (uint32_t r : regs)
      if (r >= numRegisters)
        bad(std::string(what) + " register " + std::to_string(r) +
            " is out of range (the function has " +
            std::to_string(numRegisters) + ")");
    return {regs.begin(), regs.end()};
  }

  /// `parent` is a copy: `where` changes as instructions are read.
  Block block(const ircm::Block &b, const Plan &plan, size_t depth,
              std::string parent) {
    if (depth > MaxNesting)
      bad("regions nested more than " + std::to_string(MaxNesting) + " deep");
    Block out;
    where = parent;
    out.args = registers(b.args(), "argument");
    out.results = registers(b.results(), "result");
    for (const ircm::TypeSpec &t : b.arg_types())
      out.argTypes.push_back(type(t));
    // Backends read the types of a partition's arguments and results.
    if (out.argTypes.size() != out.args.size())
      bad("a block with " + std::to_string(out.args.size()) +
          " arguments and " + std::to_string(out.argTypes.size()) +
          " argument types");
    for (int i = 0; i < b.instrs_size(); ++i) {
      std::string here = parent + ", instruction " + std::to_string(i) + " (" +
                         b.instrs(i).op() + ")";
      out.instrs.push_back(instr(b.instrs(i), plan, depth, here));
    }
    return out;
  }

  Instr instr(const ircm::Instr &in, const Plan &plan, size_t depth,
              const std::string &here) {
    where = here;
    Instr out;
    if (!ircm::Instr::Kind_IsValid(in.kind()))
      bad("unknown instruction kind " + std::to_string(in.kind()));
    out.kind = Instr::Kind(in.kind());
    out.opName = in.op();
    out.index = in.index();
    out.copy = in.copy();
    out.location = in.location();
    out.operands = registers(in.operands(), "operand");
    out.results = registers(in.results(), "result");
    for (const ircm::TypeSpec &t : in.result_types())
      out.resultTypes.push_back(type(t));
    if (out.resultTypes.size() != out.results.size())
      bad(std::to_string(out.results.size()) + " results and " +
          std::to_string(out.resultTypes.size()) + " result types");
    for (const ircm::NamedValue &a : in.attrs())
      out.attrs.emplace_back(a.name(), value(a.value(), 0));
    for (const ircm::Block &b : in.regions()) {
      out.regions.push_back(block(b, plan, depth + 1, here));
      where = here;
    }
    // What the executor relies on for each kind.
    const size_t operands = out.operands.size(), results = out.results.size(),
                 regions = out.regions.size();
    auto need = [&](bool ok, const std::string &what) {
      if (!ok)
        bad(what);
    };
    switch (out.kind) {
    case Instr::Kind::Kernel:
      out.kernel = registry.lookup(plan.backend, out.opName);
      need(out.kernel != nullptr, "no '" + plan.backend + "' kernel for op '" +
                                      out.opName + "' in this runtime");
      break;
    case Instr::Kind::Constant:
      need(results == 1 && out.index < plan.constants.size(),
           "a constant instruction needs one result and one of the " +
               std::to_string(plan.constants.size()) + " constants");
      break;
    case Instr::Kind::If:
      need(operands == 1 && regions == 2 &&
               out.regions[0].results.size() == results &&
               out.regions[1].results.size() == results,
           "an if needs a condition and two branches yielding its " +
               std::to_string(results) + " results");
      break;
    case Instr::Kind::Loop:
      need(operands == results + 2 && regions == 1 &&
               out.regions[0].args.size() == results + 1 &&
               out.regions[0].results.size() == results + 1,
           "a loop needs a trip count, a condition and its carried values, "
           "and a body taking and yielding them");
      break;
    case Instr::Kind::Call:
      need(out.index < plan.functions.size(),
           "a call to function " + std::to_string(out.index) + " of " +
               std::to_string(plan.functions.size()));
      calls.push_back({out.index, operands, results, here});
      break;
    case Instr::Kind::Region:
      need(regions == 1 && out.regions[0].args.size() == operands &&
               out.regions[0].results.size() == results,
           "a region instruction needs one region taking its operands and "
           "yielding its results");
      break;
    }
    return out;
  }

  /// Calls match their callee's signature and never recurse (TorchScript
  /// programs do not): checked once every function is read.
  void checkCalls(Plan &plan) {
    for (const PendingCall &c : calls) {
      const Function &callee = plan.functions[c.index];
      if (callee.body.args.size() != c.operands ||
          callee.body.results.size() != c.results) {
        where = c.where;
        bad("calls '" + callee.name + "' with " + std::to_string(c.operands) +
            " arguments for " + std::to_string(c.results) + " results");
      }
    }
    // Depth-first search for a cycle in the call graph.
    std::vector<int> state(plan.functions.size(), 0); // 1 open, 2 done
    std::function<void(size_t)> visit = [&](size_t f) {
      state[f] = 1;
      std::function<void(const Block &)> walk = [&](const Block &b) {
        for (const Instr &in : b.instrs) {
          if (in.kind == Instr::Kind::Call) {
            if (state[in.index] == 1) {
              where = "function '" + plan.functions[f].name + "'";
              bad("calls '" + plan.functions[in.index].name + "' recursively");
            }
            if (state[in.index] == 0)
              visit(in.index);
          }
          for (const Block &r : in.regions)
            walk(r);
        }
      };
      walk(plan.functions[f].body);
      state[f] = 2;
    };
    for (size_t f = 0; f < plan.functions.size(); ++f)
      if (state[f] == 0)
        visit(f);
  }

  struct StorageKey {
    uint64_t offset, nbytes;
    bool writable;
    DType dtype;
    bool operator==(const StorageKey &o) const {
      return offset == o.offset && nbytes == o.nbytes &&
             writable == o.writable && dtype == o.dtype;
    }
  };
  struct StorageKeyHash {
    size_t operator()(const StorageKey &k) const {
      return std::hash<uint64_t>()(k.offset * 31 + k.nbytes * 4 +
                                   uint64_t(k.writable) * 2 + size_t(k.dtype));
    }
  };
  struct PendingCall {
    uint32_t index;
    size_t operands, results;
    std::string where;
  };

  std::string path;
  const KernelRegistry &registry;
  const irc::InputLimits &limits;
  std::shared_ptr<Mapping> file;
  const unsigned char *weights = nullptr;
  uint64_t weightsSize = 0;
  uint32_t numRegisters = 0;
  std::string where;
  /// Lists, dicts and objects in the order the file defines them (before
  /// their items), and whether each is complete.
  std::vector<Value> shared;
  std::vector<bool> sharedDone;
  std::unordered_map<StorageKey, Tensor, StorageKeyHash> storages;
  std::vector<PendingCall> calls;
};

} // namespace

void irc::rt::saveModelFile(const Plan &plan, const std::string &path,
                            const ModelFileInfo &info) {
  ircm::Model model;
  model.set_producer(info.producer);
  model.set_source(info.source);
  Writer writer;
  writer.plan(plan, model);
  std::string header;
  if (!model.SerializeToString(&header))
    throw Error(path + ": the model description does not serialize");
  const uint64_t weightsOffset =
      (PrefixSize + header.size() + Alignment - 1) / Alignment * Alignment;
  std::string file(weightsOffset, '\0');
  std::memcpy(&file[0], Magic, 4);
  putU32(&file[4], ModelFileVersion);
  putU64(&file[8], header.size());
  putU64(&file[16], weightsOffset);
  putU64(&file[24], writer.weights.size());
  std::memcpy(&file[PrefixSize], header.data(), header.size());
  file += writer.weights;
  putU32(&file[32],
         checksum(reinterpret_cast<const unsigned char *>(file.data()),
                  file.size()));
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(file.data(), std::streamsize(file.size()));
  out.close();
  if (!out)
    throw Error(path + ": cannot write the model file");
}

bool irc::rt::isModelFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  char magic[4] = {};
  return in.read(magic, 4) && std::memcmp(magic, Magic, 4) == 0;
}

Plan irc::rt::loadModelFile(const std::string &path,
                            const KernelRegistry &registry, ModelFileInfo *info,
                            const irc::InputLimits &limits) {
  return Reader(path, registry, limits).read(info);
}
