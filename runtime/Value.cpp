//===- Value.cpp - Run-time values ----------------------------------------===//

#include "runtime/Value.h"

#include <cmath>
#include <cstdio>

using namespace irc::rt;

Value Value::list(std::vector<Value> items) {
  auto l = std::make_shared<List>();
  l->items = std::move(items);
  return Value(std::move(l));
}

Value Value::tuple(std::vector<Value> items) {
  auto t = std::make_shared<Tuple>();
  t->items = std::move(items);
  return Value(std::shared_ptr<const Tuple>(std::move(t)));
}

const char *Value::kindName(Kind kind) {
  switch (kind) {
  case Kind::None: return "None";
  case Kind::Int: return "int";
  case Kind::Double: return "float";
  case Kind::Bool: return "bool";
  case Kind::String: return "str";
  case Kind::Device: return "Device";
  case Kind::Tensor: return "Tensor";
  case Kind::List: return "List";
  case Kind::Tuple: return "Tuple";
  case Kind::Dict: return "Dict";
  case Kind::Object: return "Object";
  }
  return "?";
}

void Value::kindError(const char *expected) const {
  throw Error(std::string("expected ") + expected + ", got " +
              kindName(kind()) + (isNone() ? "" : " " + describe()));
}

int64_t Value::toInt() const {
  if (isInt())
    return std::get<int64_t>(payload);
  if (isBool())
    return std::get<bool>(payload);
  kindError("an int");
}

double Value::toDouble() const {
  if (isDouble())
    return std::get<double>(payload);
  if (isInt())
    return double(std::get<int64_t>(payload));
  if (isBool())
    return std::get<bool>(payload);
  kindError("a number");
}

bool Value::toBool() const {
  if (isBool())
    return std::get<bool>(payload);
  kindError("a bool");
}

const std::string &Value::toString() const {
  if (isString())
    return std::get<std::string>(payload);
  if (isDevice())
    return std::get<Device>(payload).name;
  kindError("a string");
}

const Tensor &Value::toTensor() const {
  if (!isTensor())
    kindError("a Tensor");
  return std::get<Tensor>(payload);
}

Tensor &Value::toTensor() {
  if (!isTensor())
    kindError("a Tensor");
  return std::get<Tensor>(payload);
}

List &Value::toList() const {
  if (!isList())
    kindError("a List");
  return *std::get<std::shared_ptr<List>>(payload);
}

const Tuple &Value::toTuple() const {
  if (!isTuple())
    kindError("a Tuple");
  return *std::get<std::shared_ptr<const Tuple>>(payload);
}

Dict &Value::toDict() const {
  if (!isDict())
    kindError("a Dict");
  return *std::get<std::shared_ptr<Dict>>(payload);
}

Object &Value::toObject() const {
  if (!isObject())
    kindError("an Object");
  return *std::get<std::shared_ptr<Object>>(payload);
}

const std::vector<Value> &Value::items() const {
  if (isList())
    return toList().items;
  if (isTuple())
    return toTuple().items;
  kindError("a List or Tuple");
}

std::vector<int64_t> Value::toIntVector() const {
  std::vector<int64_t> out;
  if (isInt()) // an `int[2]` argument given one int broadcasts
    return {toInt()};
  for (const Value &v : items())
    out.push_back(v.toInt());
  return out;
}

std::vector<double> Value::toDoubleVector() const {
  std::vector<double> out;
  for (const Value &v : items())
    out.push_back(v.toDouble());
  return out;
}

std::vector<Tensor> Value::toTensorVector() const {
  std::vector<Tensor> out;
  for (const Value &v : items())
    out.push_back(v.toTensor());
  return out;
}

Value Value::deepCopy() const {
  switch (kind()) {
  case Kind::List: {
    std::vector<Value> items;
    for (const Value &v : toList().items)
      items.push_back(v.deepCopy());
    return list(std::move(items));
  }
  case Kind::Tuple: {
    std::vector<Value> items;
    for (const Value &v : toTuple().items)
      items.push_back(v.deepCopy());
    return tuple(std::move(items));
  }
  case Kind::Dict: {
    auto d = std::make_shared<Dict>();
    for (const auto &[k, v] : toDict().entries)
      d->entries.emplace_back(k, v.deepCopy());
    return Value(std::move(d));
  }
  case Kind::Object: {
    auto o = std::make_shared<Object>();
    o->className = toObject().className;
    for (const auto &[k, v] : toObject().fields)
      o->fields.emplace_back(k, v.deepCopy());
    return Value(std::move(o));
  }
  default:
    return *this;
  }
}

static std::string formatDouble(double d) {
  if (std::isnan(d))
    return "nan";
  if (std::isinf(d))
    return d > 0 ? "inf" : "-inf";
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.6g", d);
  std::string s = buf;
  if (s.find_first_of(".eE") == std::string::npos)
    s += ".0";
  return s;
}

std::string Value::describe() const {
  auto join = [](const std::vector<Value> &items, const char *open,
                 const char *close) {
    std::string s = open;
    for (size_t i = 0; i < items.size(); ++i) {
      if (i == 8) {
        s += ", ... (" + std::to_string(items.size()) + " items)";
        break;
      }
      if (i)
        s += ", ";
      s += items[i].describe();
    }
    return s + close;
  };
  switch (kind()) {
  case Kind::None: return "None";
  case Kind::Int: return std::to_string(toInt());
  case Kind::Double: return formatDouble(toDouble());
  case Kind::Bool: return toBool() ? "True" : "False";
  case Kind::String: return "\"" + toString() + "\"";
  case Kind::Device: return "device(\"" + toString() + "\")";
  case Kind::Tensor: return toTensor().describe();
  case Kind::List: return join(toList().items, "[", "]");
  case Kind::Tuple:
    return join(toTuple().items, "(",
                toTuple().items.size() == 1 ? ",)" : ")");
  case Kind::Dict: {
    std::string s = "{";
    size_t i = 0;
    for (const auto &[k, v] : toDict().entries) {
      if (i++)
        s += ", ";
      s += k.describe() + ": " + v.describe();
    }
    return s + "}";
  }
  case Kind::Object: return "object<\"" + toObject().className + "\">";
  }
  return "?";
}

bool irc::rt::operator==(const Value &a, const Value &b) {
  using Kind = Value::Kind;
  if (a.isScalar() && b.isScalar()) {
    if (a.isDouble() || b.isDouble())
      return a.toDouble() == b.toDouble();
    return a.toInt() == b.toInt();
  }
  if (a.kind() != b.kind())
    return false;
  switch (a.kind()) {
  case Kind::None: return true;
  case Kind::String:
  case Kind::Device: return a.toString() == b.toString();
  case Kind::Tensor: {
    const Tensor &x = a.toTensor(), &y = b.toTensor();
    return x.getStorage() == y.getStorage() &&
           x.storageOffset() == y.storageOffset() && x.sizes() == y.sizes() &&
           x.strides() == y.strides() && x.dtype() == y.dtype();
  }
  case Kind::List:
  case Kind::Tuple: return a.items() == b.items();
  case Kind::Dict: return &a.toDict() == &b.toDict();
  case Kind::Object: return &a.toObject() == &b.toObject();
  default: return false;
  }
}

Value *Dict::find(const Value &key) {
  for (auto &[k, v] : entries)
    if (k == key)
      return &v;
  return nullptr;
}

Value *Object::find(const std::string &name) {
  for (auto &[k, v] : fields)
    if (k == name)
      return &v;
  return nullptr;
}
