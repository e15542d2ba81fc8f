//===- Value.h - Run-time values --------------------------------*- C++ -*-===//
//
// A Value is what a register holds while a plan runs: none, int, float,
// bool, string, device, tensor, list, tuple, dict or object, mirroring
// TorchScript's IValue. Lists, dicts and objects are mutable and shared by
// reference (`xs.append(1)` is seen by every holder of `xs`), as in
// TorchScript; tuples are immutable. Accessors throw Error on a kind
// mismatch, so kernels can read their operands without checking first.
//
//===----------------------------------------------------------------------===//

#ifndef IRC_RUNTIME_VALUE_H
#define IRC_RUNTIME_VALUE_H

#include "runtime/Tensor.h"

#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace irc::rt {

class Value;
struct List {
  std::vector<Value> items;
};
struct Tuple {
  std::vector<Value> items;
};
/// Entries keep their insertion order, as TorchScript dicts do.
struct Dict {
  std::vector<std::pair<Value, Value>> entries;
  /// The entry whose key equals `key` (ints, floats, bools, strings and
  /// tensors by identity), or null.
  Value *find(const Value &key);
};
/// An instance of a module or script class: named fields in order.
struct Object {
  std::string className;
  std::vector<std::pair<std::string, Value>> fields;
  /// What a backend made from this object once, for every later use: the
  /// XNNPACK operator holding packed weights for `xnn.conv2d_params`.
  std::shared_ptr<void> backendCache;
  /// The field `name`, or null.
  Value *find(const std::string &name);
};
/// A `torch.device`, by its string form ("cpu", "cuda:0").
struct Device {
  std::string name;
};

class Value {
public:
  enum class Kind : uint8_t {
    None,
    Int,
    Double,
    Bool,
    String,
    Device,
    Tensor,
    List,
    Tuple,
    Dict,
    Object,
  };

  Value() = default; // None
  Value(int64_t v) : payload(v) {}
  Value(int v) : payload(int64_t(v)) {}
  Value(double v) : payload(v) {}
  Value(bool v) : payload(v) {}
  Value(std::string v) : payload(std::move(v)) {}
  Value(const char *v) : payload(std::string(v)) {}
  Value(Device v) : payload(std::move(v)) {}
  Value(Tensor v) : payload(std::move(v)) {}
  Value(std::shared_ptr<List> v) : payload(std::move(v)) {}
  Value(std::shared_ptr<const Tuple> v) : payload(std::move(v)) {}
  Value(std::shared_ptr<Dict> v) : payload(std::move(v)) {}
  Value(std::shared_ptr<Object> v) : payload(std::move(v)) {}

  static Value list(std::vector<Value> items);
  static Value tuple(std::vector<Value> items);

  Kind kind() const { return static_cast<Kind>(payload.index()); }
  bool isNone() const { return kind() == Kind::None; }
  bool isInt() const { return kind() == Kind::Int; }
  bool isDouble() const { return kind() == Kind::Double; }
  bool isBool() const { return kind() == Kind::Bool; }
  bool isString() const { return kind() == Kind::String; }
  bool isDevice() const { return kind() == Kind::Device; }
  bool isTensor() const { return kind() == Kind::Tensor; }
  bool isList() const { return kind() == Kind::List; }
  bool isTuple() const { return kind() == Kind::Tuple; }
  bool isDict() const { return kind() == Kind::Dict; }
  bool isObject() const { return kind() == Kind::Object; }
  /// Int, Double or Bool: what a `Scalar` schema argument accepts.
  bool isScalar() const { return isInt() || isDouble() || isBool(); }

  int64_t toInt() const;   // Int or Bool
  double toDouble() const; // Double, Int or Bool (a `Scalar` read as float)
  bool toBool() const;
  const std::string &toString() const; // String or Device
  const Tensor &toTensor() const;
  Tensor &toTensor();
  List &toList() const;
  const Tuple &toTuple() const;
  Dict &toDict() const;
  Object &toObject() const;

  /// Items of a List or a Tuple.
  const std::vector<Value> &items() const;
  /// Items of a list or tuple of ints (`int[]` arguments).
  std::vector<int64_t> toIntVector() const;
  /// Items of a list or tuple of floats or ints.
  std::vector<double> toDoubleVector() const;
  /// Items of a list or tuple of tensors.
  std::vector<Tensor> toTensorVector() const;

  /// A copy that shares nothing mutable: lists, dicts and objects are
  /// copied recursively (tensors stay shared). For constants that a program
  /// may mutate after reading them.
  Value deepCopy() const;

  /// "int", "float", "Tensor", "List", ... for messages.
  static const char *kindName(Kind kind);
  /// A short human-readable form: `3`, `2.5`, `"abc"`, `tensor<2x3xf32>`,
  /// `[1, 2]`, `(tensor<...>, 4)`. Lists longer than 8 items are abbreviated.
  std::string describe() const;

private:
  [[noreturn]] void kindError(const char *expected) const;

  std::variant<std::monostate, int64_t, double, bool, std::string, Device,
               Tensor, std::shared_ptr<List>, std::shared_ptr<const Tuple>,
               std::shared_ptr<Dict>, std::shared_ptr<Object>>
      payload;
};

/// Equality as TorchScript's `==` on values (aten::eq for ints, floats,
/// strings, lists, tuples; tensors by identity).
bool operator==(const Value &a, const Value &b);
inline bool operator!=(const Value &a, const Value &b) { return !(a == b); }

} // namespace irc::rt

#endif // IRC_RUNTIME_VALUE_H
