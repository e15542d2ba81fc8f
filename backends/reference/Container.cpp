//===- Container.cpp - list, tuple, dict and object kernels ---------------===//
//
// Reference kernels for TorchScript's containers, as PyTorch 1.13's
// interpreter runs them:
//  - lists and dicts are shared and mutable (rt::List/rt::Dict behind a
//    shared_ptr): `append`, `+=`, `*=`, `insert`, `pop` and `d[k] = v`
//    change the container every holder sees (returning it, or for `pop`
//    the removed item), while `+`, `*`, slicing, `list(l)`,
//    `dict(d)`, `keys()`, `values()` and `items()` make new ones;
//  - indices may be negative; out of range is "list index out of range";
//  - dicts keep insertion order, `d[k] = v` replaces in place, a missing key
//    is "KeyError: k" (the key printed as str() prints it);
//  - list comparisons (`==`, min/max of two lists) are Python's
//    lexicographic ones; `==` on Tensor[] compares tensors element-wise and
//    needs one-element results, as bool(t1 == t2) does;
//  - objects (modules, script classes) keep their fields by name; set_attr
//    changes the object for every later run, like module state.
//
//===----------------------------------------------------------------------===//

#include "backends/reference/ReferenceKernels.h"
#include "backends/reference/Scalar.h"

#include <algorithm>
#include <cstring>
#include <memory>

using namespace irc::rt;

namespace {

/// A new list holding `items`.
Value newList(std::vector<Value> items) {
  return Value::list(std::move(items));
}

/// `index` of a sequence of `size`, Python-style; Error when out of range.
size_t normalizeIndex(int64_t index, size_t size, const char *what) {
  int64_t n = int64_t(size);
  int64_t i = index < 0 ? index + n : index;
  if (i < 0 || i >= n)
    throw Error(std::string(what) + " index out of range (index " +
                std::to_string(index) + ", length " + std::to_string(n) + ")");
  return size_t(i);
}

// Beyond this many elements a list repetition is refused rather than
// exhausting memory.
constexpr int64_t MaxListSize = int64_t(1) << 30;

//===----------------------------------------------------------------------===//
// Element comparisons (ints, floats, bools, strings)
//===----------------------------------------------------------------------===//

/// Equality of two list elements: numbers by value (exact for two ints),
/// strings by content, anything else as Value's ==.
bool elementEquals(const Value &a, const Value &b) {
  if (a.isScalar() && b.isScalar()) {
    if (a.isDouble() || b.isDouble())
      return a.toDouble() == b.toDouble();
    return a.toInt() == b.toInt();
  }
  return a == b;
}

bool elementLess(const Value &a, const Value &b) {
  if (a.isString() && b.isString())
    return a.toString() < b.toString();
  if (a.isDouble() || b.isDouble())
    return a.toDouble() < b.toDouble();
  return a.toInt() < b.toInt();
}

bool elementGreater(const Value &a, const Value &b) {
  return elementLess(b, a);
}

/// Whether two floats have the same bits: TorchScript's identity test on
/// list elements, under which a nan equals itself.
bool sameBits(const Value &a, const Value &b) {
  if (!a.isDouble() || !b.isDouble())
    return false;
  double x = a.toDouble(), y = b.toDouble();
  return std::memcmp(&x, &y, sizeof(double)) == 0;
}

/// TorchScript's `l == r` for lists (and tuples): the same list, or equal
/// lengths and elements that are identical or equal (so `[nan] == [nan]`
/// holds where the nans have the same bits, unlike Python's).
bool listEquals(const Value &a, const Value &b) {
  if (a.isList() && b.isList() && &a.toList() == &b.toList())
    return true;
  const auto &x = a.items(), &y = b.items();
  if (x.size() != y.size())
    return false;
  for (size_t i = 0; i < x.size(); ++i)
    if (!sameBits(x[i], y[i]) && !elementEquals(x[i], y[i]))
      return false;
  return true;
}

/// bool(a == b) for tensors: the same tensor, or a one-element broadcast
/// comparison.
bool tensorEquals(const Tensor &a, const Tensor &b) {
  if (Value(a) == Value(b))
    return true;
  Shape shape = broadcastShapes(a.sizes(), b.sizes());
  int64_t n = numelOf(shape);
  if (n == 0)
    throw Error("Boolean value of Tensor with no values is ambiguous");
  if (n > 1)
    throw Error("Boolean value of Tensor with more than one value is "
                "ambiguous");
  bool integral = isIntegral(a.dtype(), true) && isIntegral(b.dtype(), true);
  auto read = [](const Tensor &t, auto tag) {
    using R = decltype(tag);
    R out{};
    dispatch(t.dtype(), "aten.eq.Tensor_list", [&](auto e) {
      using T = decltype(e);
      out = convert<R>(*t.data<T>());
    });
    return out;
  };
  if (integral)
    return read(a, int64_t{}) == read(b, int64_t{});
  return read(a, double{}) == read(b, double{});
}

template <bool Negate> void listEqKernel(KernelContext &ctx) {
  ctx.setResult(0, Value(listEquals(ctx.operand(0), ctx.operand(1)) != Negate));
}

template <bool Negate> void tensorListEqKernel(KernelContext &ctx) {
  bool eq = true;
  if (!(ctx.operand(0).isList() && ctx.operand(1).isList() &&
        &ctx.operand(0).toList() == &ctx.operand(1).toList())) {
    std::vector<Tensor> a = ctx.operand(0).toTensorVector(),
                        b = ctx.operand(1).toTensorVector();
    eq = a.size() == b.size();
    for (size_t i = 0; eq && i < a.size(); ++i)
      eq = tensorEquals(a[i], b[i]);
  }
  ctx.setResult(0, Value(eq != Negate));
}

//===----------------------------------------------------------------------===//
// List ops
//===----------------------------------------------------------------------===//

void listConstruct(KernelContext &ctx) {
  std::vector<Value> items;
  for (size_t i = 0; i < ctx.numOperands(); ++i)
    items.push_back(ctx.operand(i));
  ctx.setResult(0, newList(std::move(items)));
}

/// `a, b = l`: the list must have exactly as many elements as results.
void listUnpack(KernelContext &ctx) {
  const std::vector<Value> &items = ctx.operand(0).items();
  if (items.size() != ctx.numResults())
    throw Error("Expected " + std::to_string(ctx.numResults()) +
                " elements in a list but found " +
                std::to_string(items.size()));
  std::vector<Value> copy = items; // results may overwrite the operand
  for (size_t i = 0; i < copy.size(); ++i)
    ctx.setResult(i, copy[i]);
}

void lenList(KernelContext &ctx) {
  ctx.setResult(0, Value(int64_t(ctx.operand(0).items().size())));
}

void getItemList(KernelContext &ctx) {
  const std::vector<Value> &items = ctx.operand(0).items();
  size_t i = normalizeIndex(ctx.getInt(1), items.size(), "list");
  ctx.setResult(0, Value(items[i]));
}

/// l[start:end:step]: a new list.
void sliceList(KernelContext &ctx) {
  const std::vector<Value> &items = ctx.operand(0).items();
  int64_t step = ctx.getInt(3), first = 0;
  int64_t count = ref::adjustSlice(int64_t(items.size()), ctx.operand(1),
                                   ctx.operand(2), step, first);
  std::vector<Value> out;
  out.reserve(size_t(count));
  for (int64_t k = 0, i = first; k < count; ++k, i += step)
    out.push_back(items[size_t(i)]);
  ctx.setResult(0, newList(std::move(out)));
}

/// list("abc"): the string's bytes as one-character strings.
void listOfStr(KernelContext &ctx) {
  std::vector<Value> out;
  for (char c : ctx.getString(0))
    out.push_back(Value(std::string(1, c)));
  ctx.setResult(0, newList(std::move(out)));
}

/// list(l): a shallow copy.
void listCopy(KernelContext &ctx) {
  ctx.setResult(0, newList(ctx.operand(0).items()));
}

/// a + b: a new list.
void listAdd(KernelContext &ctx) {
  std::vector<Value> out = ctx.operand(0).items();
  const std::vector<Value> &b = ctx.operand(1).items();
  out.insert(out.end(), b.begin(), b.end());
  ctx.setResult(0, newList(std::move(out)));
}

/// l * n as TorchScript computes it: n <= 0 gives [] for an empty list, and
/// a negative n is an Error for a non-empty one (TorchScript reserves
/// len(l) * n elements, which fails).
std::vector<Value> repeat(const std::vector<Value> &items, int64_t n) {
  std::vector<Value> out;
  if (items.empty() || n == 0)
    return out;
  if (n < 0)
    throw Error("cannot repeat a list a negative number of times (" +
                std::to_string(n) + ")");
  if (n > MaxListSize / int64_t(items.size()))
    throw Error("list repetition by " + std::to_string(n) +
                " would make a list too large");
  out.reserve(items.size() * size_t(n));
  for (int64_t k = 0; k < n; ++k)
    out.insert(out.end(), items.begin(), items.end());
  return out;
}

void listMulLeft(KernelContext &ctx) {
  ctx.setResult(0, newList(repeat(ctx.operand(0).items(), ctx.getInt(1))));
}

void listMulRight(KernelContext &ctx) {
  ctx.setResult(0, newList(repeat(ctx.operand(1).items(), ctx.getInt(0))));
}

/// l.append(x): mutates l and returns it.
void listAppend(KernelContext &ctx) {
  ctx.operand(0).toList().items.push_back(ctx.operand(1));
  ctx.setResult(0, ctx.operand(0));
}

/// l += b: extends l in place (b may be l itself) and returns it.
void listAddInPlace(KernelContext &ctx) {
  List &l = ctx.operand(0).toList();
  std::vector<Value> b = ctx.operand(1).items();
  l.items.insert(l.items.end(), b.begin(), b.end());
  ctx.setResult(0, ctx.operand(0));
}

/// l *= n: repeats l in place; n <= 0 empties it.
void listMulInPlace(KernelContext &ctx) {
  List &l = ctx.operand(0).toList();
  int64_t n = ctx.getInt(1);
  if (n <= 0)
    l.items.clear();
  else
    l.items = repeat(l.items, n);
  ctx.setResult(0, ctx.operand(0));
}

/// l.insert(i, x): Python's insert, the index clamped to [0, len(l)] after
/// adding len(l) to a negative one.
void listInsert(KernelContext &ctx) {
  List &l = ctx.operand(0).toList();
  int64_t n = int64_t(l.items.size()), i = ctx.getInt(1);
  if (i < 0)
    i += n;
  i = std::min(std::max<int64_t>(i, 0), n);
  l.items.insert(l.items.begin() + i, ctx.operand(2));
}

/// l.pop(i): removes and returns item i (default the last); an empty list
/// or an index out of range is an Error.
void listPop(KernelContext &ctx) {
  List &l = ctx.operand(0).toList();
  if (l.items.empty())
    throw Error("pop from empty list");
  size_t i = normalizeIndex(ctx.getInt(1), l.items.size(), "pop");
  Value item = l.items[i];
  l.items.erase(l.items.begin() + std::ptrdiff_t(i));
  ctx.setResult(0, std::move(item));
}

void listContains(KernelContext &ctx) {
  bool found = false;
  for (const Value &v : ctx.operand(0).items())
    found = found || elementEquals(v, ctx.operand(1));
  ctx.setResult(0, Value(found));
}

void sumInt(KernelContext &ctx) {
  uint64_t sum = 0; // wraps like TorchScript's int64 sum
  for (const Value &v : ctx.operand(0).items())
    sum += uint64_t(v.toInt());
  ctx.setResult(0, Value(int64_t(sum)));
}

void sumFloat(KernelContext &ctx) {
  double sum = 0;
  for (const Value &v : ctx.operand(0).items())
    sum += v.toDouble();
  ctx.setResult(0, Value(sum));
}

void sumBool(KernelContext &ctx) {
  int64_t sum = 0;
  for (const Value &v : ctx.operand(0).items())
    sum += v.toBool() ? 1 : 0;
  ctx.setResult(0, Value(sum));
}

/// min(l, r) / max(l, r) of two lists, lexicographically. As TorchScript's
/// minList/maxList: at the first differing element the smaller (larger) list
/// wins; when one is a prefix of the other the shorter (longer) one; equal
/// lists give r.
template <bool Max> void listMinMax2(KernelContext &ctx) {
  const Value &l = ctx.operand(0), &r = ctx.operand(1);
  const auto &a = r.items(), &b = l.items(); // TorchScript pops r first
  size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    if (elementEquals(a[i], b[i]))
      continue;
    bool pickA = Max ? elementGreater(a[i], b[i]) : elementLess(a[i], b[i]);
    ctx.setResult(0, pickA ? r : l);
    return;
  }
  bool pickB = Max ? b.size() > a.size() : b.size() < a.size();
  ctx.setResult(0, pickB ? l : r);
}

/// min(l) / max(l): the first smallest (largest) element.
template <bool Max> void listMinMax1(KernelContext &ctx) {
  const std::vector<Value> &items = ctx.operand(0).items();
  if (items.empty())
    throw Error(std::string(Max ? "max" : "min") +
                "() arg is an empty sequence");
  Value best = items[0];
  for (size_t i = 1; i < items.size(); ++i)
    if (Max ? elementGreater(items[i], best) : elementLess(items[i], best))
      best = items[i];
  ctx.setResult(0, best);
}

//===----------------------------------------------------------------------===//
// Tuples
//===----------------------------------------------------------------------===//

void tupleConstruct(KernelContext &ctx) {
  std::vector<Value> items;
  for (size_t i = 0; i < ctx.numOperands(); ++i)
    items.push_back(ctx.operand(i));
  ctx.setResult(0, Value::tuple(std::move(items)));
}

void tupleUnpack(KernelContext &ctx) {
  std::vector<Value> items = ctx.operand(0).toTuple().items;
  if (items.size() != ctx.numResults())
    throw Error("cannot unpack a tuple of " + std::to_string(items.size()) +
                " into " + std::to_string(ctx.numResults()) + " values");
  for (size_t i = 0; i < items.size(); ++i)
    ctx.setResult(i, items[i]);
}

void tupleIndex(KernelContext &ctx) {
  const std::vector<Value> &items = ctx.operand(0).toTuple().items;
  size_t i = normalizeIndex(ctx.getInt(1), items.size(), "tuple");
  ctx.setResult(0, Value(items[i]));
}

//===----------------------------------------------------------------------===//
// Dicts
//===----------------------------------------------------------------------===//

Value newDict() { return Value(std::make_shared<Dict>()); }

/// d[k] = v: replaces the value in place when k is present, else appends.
void setItem(Dict &d, const Value &key, const Value &value) {
  if (Value *slot = d.find(key))
    *slot = value;
  else
    d.entries.emplace_back(key, value);
}

/// `{k0: v0, k1: v1, ...}`: a later duplicate key replaces the value.
void dictConstruct(KernelContext &ctx) {
  if (ctx.numOperands() % 2)
    throw Error("prim.dict_construct needs alternating keys and values");
  Value d = newDict();
  for (size_t i = 0; i < ctx.numOperands(); i += 2)
    setItem(d.toDict(), ctx.operand(i), ctx.operand(i + 1));
  ctx.setResult(0, d);
}

void dictGetItem(KernelContext &ctx) {
  Value *v = ctx.operand(0).toDict().find(ctx.operand(1));
  if (!v)
    throw Error("KeyError: " + ref::formatValue(ctx.operand(1)));
  ctx.setResult(0, Value(*v));
}

void dictLen(KernelContext &ctx) {
  ctx.setResult(0, Value(int64_t(ctx.operand(0).toDict().entries.size())));
}

void dictKeys(KernelContext &ctx) {
  std::vector<Value> out;
  for (const auto &[k, v] : ctx.operand(0).toDict().entries)
    out.push_back(k);
  ctx.setResult(0, newList(std::move(out)));
}

void dictValues(KernelContext &ctx) {
  std::vector<Value> out;
  for (const auto &[k, v] : ctx.operand(0).toDict().entries)
    out.push_back(v);
  ctx.setResult(0, newList(std::move(out)));
}

void dictItems(KernelContext &ctx) {
  std::vector<Value> out;
  for (const auto &[k, v] : ctx.operand(0).toDict().entries)
    out.push_back(Value::tuple({k, v}));
  ctx.setResult(0, newList(std::move(out)));
}

void dictContains(KernelContext &ctx) {
  ctx.setResult(0,
                Value(ctx.operand(0).toDict().find(ctx.operand(1)) != nullptr));
}

/// d.get(k): the value or None.
void dictGet(KernelContext &ctx) {
  Value *v = ctx.operand(0).toDict().find(ctx.operand(1));
  ctx.setResult(0, v ? Value(*v) : Value());
}

/// d.get(k, default).
void dictGetDefault(KernelContext &ctx) {
  Value *v = ctx.operand(0).toDict().find(ctx.operand(1));
  ctx.setResult(0, v ? Value(*v) : ctx.operand(2));
}

void dictSetItem(KernelContext &ctx) {
  setItem(ctx.operand(0).toDict(), ctx.operand(1), ctx.operand(2));
}

/// dict(): a new empty dict.
void dictEmpty(KernelContext &ctx) { ctx.setResult(0, newDict()); }

/// dict([(k, v), ...]).
void dictFromPairs(KernelContext &ctx) {
  Value d = newDict();
  for (const Value &pair : ctx.operand(0).items()) {
    const std::vector<Value> &kv = pair.items();
    if (kv.size() != 2)
      throw Error("dict() needs (key, value) pairs, got " + pair.describe());
    setItem(d.toDict(), kv[0], kv[1]);
  }
  ctx.setResult(0, d);
}

/// dict(d): a shallow copy.
void dictCopy(KernelContext &ctx) {
  auto d = std::make_shared<Dict>();
  d->entries = ctx.operand(0).toDict().entries;
  ctx.setResult(0, Value(std::move(d)));
}

//===----------------------------------------------------------------------===//
// Objects
//===----------------------------------------------------------------------===//

const std::string &nameAttr(KernelContext &ctx) {
  const Value *name = ctx.attr("name");
  if (!name || !name->isString())
    throw Error(ctx.opName() + " needs a 'name' string attribute");
  return name->toString();
}

void getAttr(KernelContext &ctx) {
  const std::string &name = nameAttr(ctx);
  Object &obj = ctx.operand(0).toObject();
  Value *field = obj.find(name);
  if (!field)
    throw Error("'" + obj.className + "' object has no attribute '" + name +
                "'");
  ctx.setResult(0, Value(*field));
}

/// obj.name = v: replaces the field, or adds it (a new script-class object
/// starts without fields).
void setAttr(KernelContext &ctx) {
  const std::string &name = nameAttr(ctx);
  Object &obj = ctx.operand(0).toObject();
  if (Value *field = obj.find(name))
    *field = ctx.operand(1);
  else
    obj.fields.emplace_back(name, ctx.operand(1));
}

/// A new script-class object, without fields until set_attr adds them. The
/// lowering passes the class name (from the result type) as `class`.
void createObject(KernelContext &ctx) {
  auto obj = std::make_shared<Object>();
  if (const Value *cls = ctx.attr("class"))
    obj->className = cls->toString();
  ctx.setResult(0, Value(std::move(obj)));
}

} // namespace

static const KernelEntry Kernels[] = {
    // Lists.
    {"prim.list_construct", listConstruct},
    {"prim.list_unpack", listUnpack},
    {"aten.len.t", lenList},
    {"aten.len.any", lenList},
    {"aten.__getitem__.t", getItemList},
    {"aten.select.t", getItemList},
    {"aten.slice.t", sliceList},
    {"aten.list", listOfStr},
    {"aten.list.t", listCopy},
    {"aten.add.t", listAdd},
    {"aten.mul.left_t", listMulLeft},
    {"aten.mul.right_", listMulRight},
    {"aten.append.t", listAppend},
    {"aten.add_.t", listAddInPlace},
    {"aten.mul_.t", listMulInPlace},
    {"aten.insert.t", listInsert},
    {"aten.pop.t", listPop},
    {"aten.eq.int_list", listEqKernel<false>},
    {"aten.eq.float_list", listEqKernel<false>},
    {"aten.eq.bool_list", listEqKernel<false>},
    {"aten.eq.str_list", listEqKernel<false>},
    {"aten.eq.Tensor_list", tensorListEqKernel<false>},
    {"aten.ne.int_list", listEqKernel<true>},
    {"aten.ne.float_list", listEqKernel<true>},
    {"aten.ne.bool_list", listEqKernel<true>},
    {"aten.ne.str_list", listEqKernel<true>},
    {"aten.ne.Tensor_list", tensorListEqKernel<true>},
    {"aten.__contains__.int_list", listContains},
    {"aten.__contains__.float_list", listContains},
    {"aten.__contains__.str_list", listContains},
    {"aten.sum.int", sumInt},
    {"aten.sum.float", sumFloat},
    {"aten.sum.bool", sumBool},
    {"prim.min.int_list", listMinMax2<false>},
    {"prim.min.float_list", listMinMax2<false>},
    {"prim.min.bool_list", listMinMax2<false>},
    {"prim.min.self_int", listMinMax1<false>},
    {"prim.min.self_float", listMinMax1<false>},
    {"prim.min.self_bool", listMinMax1<false>},
    {"prim.max.int_list", listMinMax2<true>},
    {"prim.max.float_list", listMinMax2<true>},
    {"prim.max.bool_list", listMinMax2<true>},
    {"prim.max.self_int", listMinMax1<true>},
    {"prim.max.self_float", listMinMax1<true>},
    {"prim.max.self_bool", listMinMax1<true>},
    // Tuples.
    {"prim.tuple_construct", tupleConstruct},
    {"prim.tuple_unpack", tupleUnpack},
    {"prim.tuple_index", tupleIndex},
    // Dicts.
    {"prim.dict_construct", dictConstruct},
    {"aten.__getitem__.Dict_str", dictGetItem},
    {"aten.__getitem__.Dict_int", dictGetItem},
    {"aten.len.Dict_str", dictLen},
    {"aten.len.Dict_int", dictLen},
    {"aten.keys.str", dictKeys},
    {"aten.keys.int", dictKeys},
    {"aten.values.str", dictValues},
    {"aten.values.int", dictValues},
    {"aten.items.str", dictItems},
    {"aten.items.int", dictItems},
    {"aten.__contains__.str", dictContains},
    {"aten.__contains__.int", dictContains},
    {"aten.get.str", dictGet},
    {"aten.get.int", dictGet},
    {"aten.get.default_str", dictGetDefault},
    {"aten.get.default_int", dictGetDefault},
    {"aten._set_item.str", dictSetItem},
    {"aten._set_item.int", dictSetItem},
    {"aten.dict", dictEmpty},
    {"aten.dict.str", dictFromPairs},
    {"aten.dict.int", dictFromPairs},
    {"aten.dict.Dict_str", dictCopy},
    {"aten.dict.Dict_int", dictCopy},
    // Objects.
    {"prim.get_attr", getAttr},
    {"prim.set_attr", setAttr},
    {"prim.create_object", createObject},
};

void ref::registerContainerKernels(KernelRegistry &registry) {
  registry.add(Backend, Kernels);
}
