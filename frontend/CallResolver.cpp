//===- CallResolver.cpp - TorchScript calls to registered ops -------------===//
//
// Each candidate is matched in two steps that emit nothing: the arguments
// are assigned to parameters (positionally, by keyword, from defaults, or
// packed into a list), then each is type-checked against its parameter,
// giving a plan per operand (use as is, default constant, conversion). Only
// the plan of the op chosen is emitted. A candidate that fails keeps the
// reason, phrased without the op's name, for the error message.
//
//===----------------------------------------------------------------------===//
#include "frontend/CallResolver.h"
#include "ir/Attributes.h"
#include "ir/Context.h"
#include "ir/Operation.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/raw_ostream.h"
#include <functional>
#include <vector>

using namespace irc;
using llvm::StringRef;

namespace {

using SK = SchemaType::Kind;

//===----------------------------------------------------------------------===//
// Types
//===----------------------------------------------------------------------===//

using Bindings = SchemaBindings;

Type lookupVar(const Bindings &vars, StringRef name) {
  for (const auto &[var, bound] : vars)
    if (var == name)
      return bound;
  return Type();
}

/// The first type variable of `st` that `vars` does not bind, or empty.
StringRef findUnboundVar(const SchemaType &st, const Bindings &vars) {
  if (st.kind == SK::Var)
    return lookupVar(vars, st.var) ? StringRef() : StringRef(st.var);
  StringRef unbound;
  st.forEachNested([&](const SchemaType &nested) {
    if (unbound.empty())
      unbound = findUnboundVar(nested, vars);
  });
  return unbound;
}

bool containsVar(const SchemaType &st) {
  bool found = st.kind == SK::Var;
  st.forEachNested(
      [&](const SchemaType &nested) { found = found || containsVar(nested); });
  return found;
}

const SchemaType &unwrapOptional(const SchemaType &st) {
  return st.kind == SK::Optional ? *st.element : st;
}

/// The IR type of a value of schema type `st` (a result, or the element of a
/// list built for a parameter); null when it has an unbound type variable.
Type concreteType(const SchemaType &st, const Bindings &vars, Context &ctx) {
  switch (st.kind) {
  case SK::Tensor:
    return getUnrankedTensorType(ctx);
  case SK::Int:
    return getIntType(ctx);
  case SK::Float:
    return getFloatType(ctx);
  case SK::Bool:
    return getBoolType(ctx);
  case SK::Str:
    return getStrType(ctx);
  case SK::Device:
    return getDeviceType(ctx);
  case SK::Scalar:
    // TorchScript's `number` has no IR type.
    return getFloatType(ctx);
  case SK::Any:
    // A TorchBind class (`__torch__.torch.classes.xnnpack.Conv2dOpContext`)
    // is the object type the importer gives such constants.
    if (StringRef(st.spelling).startswith("__torch__."))
      return getObjectType(ctx, st.spelling);
    return getAnyType(ctx);
  case SK::Opaque:
    return getOpaqueType(ctx, st.spelling);
  case SK::Var:
    return lookupVar(vars, st.var);
  case SK::List:
    if (Type e = concreteType(*st.element, vars, ctx))
      return getListType(e);
    return Type();
  case SK::Optional:
    if (Type e = concreteType(*st.element, vars, ctx))
      return getOptionalType(e);
    return Type();
  case SK::Dict: {
    Type k = concreteType(*st.key, vars, ctx);
    Type v = concreteType(*st.element, vars, ctx);
    return k && v ? getDictType(k, v) : Type();
  }
  case SK::Tuple: {
    llvm::SmallVector<Type, 4> members;
    for (const SchemaType &m : st.members) {
      members.push_back(concreteType(m, vars, ctx));
      if (!members.back())
        return Type();
    }
    return getTupleType(ctx, members);
  }
  }
  return Type();
}

/// The type of the constant holding a scalar default value `v` given for a
/// parameter (or list element) of schema type `st`.
Type scalarDefaultType(const SchemaType &st, const SchemaValue &v,
                       Context &ctx) {
  switch (v.kind) {
  case SchemaValue::Kind::Int:
    return getIntType(ctx);
  case SchemaValue::Kind::Float:
    return getFloatType(ctx);
  case SchemaValue::Kind::Bool:
    return getBoolType(ctx);
  case SchemaValue::Kind::Str:
    return unwrapOptional(st).kind == SK::Device ? getDeviceType(ctx)
                                                 : getStrType(ctx);
  case SchemaValue::Kind::None:
    return getNoneType(ctx);
  case SchemaValue::Kind::List:
    break;
  }
  return Type();
}

/// The type of the constant holding parameter `p`'s default: the parameter
/// type made concrete by the value (`int[2] stride=1` is list<i64>,
/// `Scalar alpha=1` i64, `Tensor? bias=None` none).
Type defaultType(const SchemaParam &p, Context &ctx) {
  const SchemaValue &v = p.defaultValue;
  if (v.kind != SchemaValue::Kind::List)
    return scalarDefaultType(p.type, v, ctx);
  const SchemaType &list = unwrapOptional(p.type);
  const SchemaType *element = list.element ? list.element.get() : nullptr;
  Type elementType;
  if (element) {
    Bindings none;
    switch (element->kind) {
    case SK::Scalar:
    case SK::Any:
    case SK::Var:
      break; // typed by the values
    default:
      elementType = concreteType(*element, none, ctx);
    }
  }
  if (!elementType)
    elementType = v.elements.empty()
                      ? getIntType(ctx)
                      : scalarDefaultType(element ? *element : SchemaType(),
                                          v.elements.front(), ctx);
  return getListType(elementType);
}

std::string schemaTypeStr(const SchemaType &st) {
  std::string s;
  llvm::raw_string_ostream os(s);
  st.print(os, /*withAlias=*/false);
  return s;
}

//===----------------------------------------------------------------------===//
// Plans
//===----------------------------------------------------------------------===//

/// How one operand is obtained.
struct Operand {
  enum class Kind {
    Use,         // the argument as is
    Default,     // a constant of the parameter's default
    Convert,     // a one-operand conversion op applied to the argument
    Repeat,      // a list repeating the argument `count` times
    TupleToList, // a list of the members of a tuple argument
    Pack,        // a list of the (converted) `elements`
  };
  Kind kind = Kind::Use;
  Value *value = nullptr; // Use, Convert, Repeat, TupleToList
  unsigned param = 0;     // Default
  /// The operand's type (all kinds but Use).
  Type type;
  OpId convertOp = OpId::Unregistered; // Convert
  unsigned count = 0;                  // Repeat
  std::vector<Operand> elements;       // Pack: each a Use or a Convert
};

/// Why a candidate was rejected, phrased to follow the op's name
/// ("got an unexpected keyword argument 'x'").
struct Failure {
  std::string reason;
  llvm::SMLoc loc;
  /// Whether the arguments fit the parameters (the failure is about types).
  bool assigned = false;
};

struct Plan {
  const OpInfo *op = nullptr;
  std::vector<Operand> operands;
  llvm::SmallVector<Type, 2> resultTypes;
};

/// Matches one call against one schema (TorchScript's tryMatchSchema).
class Matcher {
public:
  Matcher(Context &ctx, const OpInfo &op, llvm::ArrayRef<CallArgument> args,
          bool allowConversions)
      : ctx(ctx), op(op), schema(op.schema), args(args),
        allowConversions(allowConversions) {}

  std::optional<Plan> match(Failure &failure);

private:
  /// Where parameter i's operand comes from.
  struct Source {
    enum class Kind { Positional, Keyword, Default, Pack } kind;
    /// Positional, Keyword: the index in `args`; Pack: the index of the
    /// first packed argument among the positional ones.
    unsigned index = 0;
  };

  bool assign(Failure &failure);
  bool canPackVarargs(unsigned i) const;
  std::optional<Operand> matchArgument(const SchemaType &st, Value *value,
                                       bool allowConversions);
  std::optional<Operand> matchPack(const SchemaParam &p, unsigned first,
                                   Failure &failure);
  bool fail(Failure &failure, const llvm::Twine &reason,
            const CallArgument *arg = nullptr) {
    failure.reason = reason.str();
    failure.loc = arg ? arg->loc : llvm::SMLoc();
    return false;
  }
  std::string mismatch(const SchemaParam &p, const SchemaType &st, Type got);

  /// The index in `args` of the keyword argument naming parameter `p`, or
  /// -1. As in TorchScript, `input=` also names an aten op's `self`.
  int findKeyword(const SchemaParam &p) const {
    bool isAten = op.getNamespace() == "aten";
    for (unsigned i = 0; i < args.size(); ++i)
      if (!args[i].keyword.empty() &&
          (args[i].keyword == p.name ||
           (isAten && p.name == "self" && args[i].keyword == "input")))
        return int(i);
    return -1;
  }
  /// Number of parameters that are not the trailing variadic one.
  unsigned getNumFixed() const {
    return schema.params.size() - (schema.variadic ? 1 : 0);
  }

  Context &ctx;
  const OpInfo &op;
  const Schema &schema;
  llvm::ArrayRef<CallArgument> args;
  bool allowConversions;

  Bindings vars;
  llvm::SmallVector<unsigned, 8> positional; // indices into args
  llvm::SmallVector<Source, 8> sources;      // per fixed parameter
  unsigned numUsedPositional = 0;
};

/// TorchScript's varargsCanBeUsedAsList: parameter i, a list without a fixed
/// size nor a type variable, is the last positional parameter.
bool Matcher::canPackVarargs(unsigned i) const {
  const SchemaParam &p = schema.params[i];
  bool isLast = i + 1 == getNumFixed() || schema.params[i + 1].keywordOnly;
  return isLast && p.type.kind == SK::List && !p.type.fixedSize &&
         p.type.element->kind != SK::Var;
}

/// Whether `t` is a homogeneous tuple whose members fit list `st`'s
/// elements (TorchScript's convertibleToList, given that IR lists need one
/// element type).
static bool isListLikeTuple(Type t, const SchemaType &list) {
  if (!t.isTuple() || list.kind != SK::List || containsVar(*list.element) ||
      t.getTupleTypes().empty())
    return false;
  Type first = t.getTupleTypes().front();
  Bindings none;
  return llvm::all_of(t.getTupleTypes(), [&](Type m) { return m == first; }) &&
         matchSchemaType(*list.element, first, none);
}

/// Assigns arguments to parameters as tryMatchSchema does; fails on
/// arguments left over or parameters without one.
bool Matcher::assign(Failure &failure) {
  for (unsigned i = 0; i < args.size(); ++i)
    if (args[i].keyword.empty())
      positional.push_back(i);
  llvm::SmallVector<bool, 8> usedKeyword(args.size(), false);
  int missing = -1;
  for (unsigned i = 0, e = getNumFixed(); i < e; ++i) {
    const SchemaParam &p = schema.params[i];
    if (!p.keywordOnly && numUsedPositional < positional.size()) {
      unsigned first = positional[numUsedPositional];
      Type t = args[first].value->getType();
      if (allowConversions && canPackVarargs(i) && !t.isList() &&
          !isListLikeTuple(t, p.type)) {
        sources.push_back({Source::Kind::Pack, numUsedPositional});
        numUsedPositional = positional.size();
        continue;
      }
      sources.push_back({Source::Kind::Positional, first});
      ++numUsedPositional;
      continue;
    }
    if (int k = findKeyword(p); k >= 0) {
      usedKeyword[k] = true;
      sources.push_back({Source::Kind::Keyword, unsigned(k)});
      continue;
    }
    if (p.hasDefault()) {
      sources.push_back({Source::Kind::Default, i});
      continue;
    }
    if (missing < 0)
      missing = int(i);
    sources.push_back({Source::Kind::Default, i});
  }
  if (schema.variadic)
    numUsedPositional = positional.size();
  if (numUsedPositional < positional.size()) {
    unsigned n = schema.getNumPositional();
    return fail(failure,
                "takes at most " + llvm::Twine(n) + " positional argument" +
                    (n == 1 ? "" : "s") + ", got " +
                    llvm::Twine(positional.size()),
                &args[positional[numUsedPositional]]);
  }
  for (unsigned i = 0; i < args.size(); ++i) {
    if (args[i].keyword.empty() || usedKeyword[i])
      continue;
    StringRef kw = args[i].keyword;
    StringRef param;
    if (schema.lookupParam(kw) >= 0)
      param = kw;
    else if (kw == "input" && op.getNamespace() == "aten" &&
             schema.lookupParam("self") >= 0)
      param = "self";
    if (!param.empty())
      return fail(failure, "got multiple values for argument '" + param + "'",
                  &args[i]);
    return fail(failure, "got an unexpected keyword argument '" + kw + "'",
                &args[i]);
  }
  if (missing >= 0)
    return fail(failure, "is missing required argument '" +
                             schema.params[missing].name + "'");
  return true;
}

std::string Matcher::mismatch(const SchemaParam &p, const SchemaType &st,
                              Type got) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "expects " << schemaTypeStr(st) << " for argument '" << p.name
     << "', got " << got;
  // Name the bindings that made it fail (`t[]` with t = i64).
  bool first = true;
  std::function<void(const SchemaType &)> note = [&](const SchemaType &t) {
    if (t.kind == SK::Var) {
      if (Type bound = lookupVar(vars, t.var)) {
        os << (first ? " (" : ", ") << t.var << " is " << bound;
        first = false;
      }
    } else {
      t.forEachNested(note);
    }
  };
  note(st);
  if (!first)
    os << ')';
  return s;
}

/// TorchScript's tryMatchArgument and tryConvertToType for one value.
std::optional<Operand> Matcher::matchArgument(const SchemaType &st,
                                              Value *value,
                                              bool allowConversions) {
  Type t = value->getType();
  const SchemaType &target = unwrapOptional(st);
  Operand o;
  o.value = value;
  // A scalar for a fixed-size list of its type is repeated (`int[2]`).
  if ((t.isInt() || t.isFloat()) && target.kind == SK::List &&
      target.fixedSize &&
      target.element->kind == (t.isInt() ? SK::Int : SK::Float)) {
    o.kind = Operand::Kind::Repeat;
    o.type = getListType(t);
    o.count = target.fixedSize;
    if (matchSchemaType(st, o.type, vars))
      return o;
    return std::nullopt;
  }
  // A homogeneous tuple is a list.
  if (isListLikeTuple(t, target)) {
    o.kind = Operand::Kind::TupleToList;
    o.type = getListType(t.getTupleTypes().front());
    if (matchSchemaType(st, o.type, vars))
      return o;
    return std::nullopt;
  }
  if (matchSchemaType(st, t, vars))
    return o;
  if (!allowConversions)
    return std::nullopt;
  // Conversions to T apply to T? as well, unless the value is optional.
  const SchemaType &concrete =
      t.getKind() == Type::Kind::Optional || t.isNone() ? st : target;
  o.kind = Operand::Kind::Convert;
  if (t.isTensor() && concrete.kind == SK::Int) {
    o.convertOp = OpId::AtenIntTensor; // TorchScript: aten::IntImplicit
    o.type = getIntType(ctx);
  } else if (t.isTensor() && concrete.kind == SK::Float) {
    o.convertOp = OpId::AtenFloatTensor; // TorchScript: aten::FloatImplicit
    o.type = getFloatType(ctx);
  } else if (t.isTensor() && concrete.kind == SK::Scalar) {
    o.convertOp = OpId::AtenScalarImplicit;
    o.type = concreteType(concrete, vars, ctx);
  } else if (t.getKind() == Type::Kind::Str && concrete.kind == SK::Device) {
    o.convertOp = OpId::AtenDevice;
    o.type = getDeviceType(ctx);
  } else {
    return std::nullopt;
  }
  if (matchSchemaType(st, o.type, vars))
    return o;
  return std::nullopt;
}

/// TorchScript's tryCreateList: the positional arguments from `first` on
/// packed into list parameter `p` (`zeros(2, 3)` for `zeros(int[] size)`).
std::optional<Operand> Matcher::matchPack(const SchemaParam &p, unsigned first,
                                          Failure &failure) {
  Operand pack;
  pack.kind = Operand::Kind::Pack;
  const SchemaType &element = *p.type.element;
  Type elementType;
  for (unsigned i = first; i < positional.size(); ++i) {
    const CallArgument &arg = args[positional[i]];
    std::optional<Operand> e = matchArgument(element, arg.value, true);
    Type t = !e                              ? arg.value->getType()
             : e->kind == Operand::Kind::Use ? arg.value->getType()
                                             : e->type;
    if (!e || (elementType && t != elementType)) {
      fail(failure,
           "expects " + schemaTypeStr(element) +
               " for each of the arguments "
               "packed into '" +
               p.name + "', got " + t.str(),
           &arg);
      return std::nullopt;
    }
    elementType = t;
    pack.elements.push_back(std::move(*e));
  }
  pack.type = getListType(elementType);
  if (!matchSchemaType(p.type, pack.type, vars)) {
    fail(failure, mismatch(p, p.type, pack.type));
    return std::nullopt;
  }
  return pack;
}

std::optional<Plan> Matcher::match(Failure &failure) {
  if (!assign(failure))
    return std::nullopt;
  failure.assigned = true;
  Plan plan;
  plan.op = &op;
  auto checkBound = [&](const SchemaParam &p, Type got,
                        const CallArgument *arg) {
    StringRef var = findUnboundVar(p.type, vars);
    if (var.empty())
      return true;
    return fail(failure,
                "cannot infer type variable '" + var + "' from argument '" +
                    p.name + "' of type " + got.str(),
                arg);
  };
  for (unsigned i = 0; i < sources.size(); ++i) {
    const SchemaParam &p = schema.params[i];
    const Source &src = sources[i];
    switch (src.kind) {
    case Source::Kind::Default: {
      Operand o;
      o.kind = Operand::Kind::Default;
      o.param = i;
      o.type = defaultType(p, ctx);
      if (!o.type || !matchSchemaType(p.type, o.type, vars)) {
        fail(failure,
             "has a default for '" + p.name + "' that does not fit its type");
        return std::nullopt;
      }
      if (!checkBound(p, o.type, nullptr))
        return std::nullopt;
      plan.operands.push_back(std::move(o));
      break;
    }
    case Source::Kind::Pack: {
      std::optional<Operand> o = matchPack(p, src.index, failure);
      if (!o)
        return std::nullopt;
      plan.operands.push_back(std::move(*o));
      break;
    }
    case Source::Kind::Positional:
    case Source::Kind::Keyword: {
      const CallArgument &arg = args[src.index];
      std::optional<Operand> o =
          matchArgument(p.type, arg.value, allowConversions);
      if (!o) {
        fail(failure, mismatch(p, p.type, arg.value->getType()), &arg);
        return std::nullopt;
      }
      if (!checkBound(p, arg.value->getType(), &arg))
        return std::nullopt;
      plan.operands.push_back(std::move(*o));
      break;
    }
    }
  }
  // The operands of a variadic schema beyond its fixed parameters: typed
  // (`t... elements`) ones are checked, bare `...` ones taken as they are.
  if (schema.variadic) {
    const SchemaParam &p = schema.params.back();
    for (unsigned i = getNumFixed(); i < positional.size(); ++i) {
      const CallArgument &arg = args[positional[i]];
      if (p.name.empty()) {
        Operand o;
        o.value = arg.value;
        plan.operands.push_back(std::move(o));
        continue;
      }
      std::optional<Operand> o =
          matchArgument(p.type, arg.value, allowConversions);
      if (!o) {
        fail(failure, mismatch(p, p.type, arg.value->getType()), &arg);
        return std::nullopt;
      }
      plan.operands.push_back(std::move(*o));
    }
  }
  for (const SchemaType &r : schema.results) {
    Type t = concreteType(r, vars, ctx);
    if (!t) {
      fail(failure, "cannot infer the result type " + schemaTypeStr(r) +
                        " from its arguments");
      return std::nullopt;
    }
    plan.resultTypes.push_back(t);
  }
  return plan;
}

//===----------------------------------------------------------------------===//
// Emission
//===----------------------------------------------------------------------===//

class Emitter {
public:
  Emitter(Builder &b, Location loc, const OpInfo &op)
      : b(b), ctx(b.getContext()), loc(loc), op(op) {}

  Value *emit(const Operand &o) {
    switch (o.kind) {
    case Operand::Kind::Use:
      return o.value;
    case Operand::Kind::Default: {
      Attribute value = op.schema.params[o.param].getDefault(ctx);
      for (auto &[attr, type, v] : defaults)
        if (attr == value && type == o.type)
          return v;
      Value *v = b.createConstant(loc, value, o.type);
      defaults.push_back({value, o.type, v});
      return v;
    }
    case Operand::Kind::Convert:
      return b.create(loc, o.convertOp, {o.type}, {o.value})->getResult(0);
    case Operand::Kind::Repeat: {
      llvm::SmallVector<Value *, 4> elements(o.count, o.value);
      return makeList(o.type, elements);
    }
    case Operand::Kind::TupleToList: {
      Operation *unpack =
          b.create(loc, OpId::PrimTupleUnpack,
                   o.value->getType().getTupleTypes(), {o.value});
      return makeList(o.type, unpack->getResults());
    }
    case Operand::Kind::Pack: {
      llvm::SmallVector<Value *, 4> elements;
      for (const Operand &e : o.elements)
        elements.push_back(emit(e));
      return makeList(o.type, elements);
    }
    }
    return nullptr;
  }

private:
  Value *makeList(Type type, llvm::ArrayRef<Value *> elements) {
    return b.create(loc, OpId::PrimListConstruct, {type}, elements)
        ->getResult(0);
  }

  Builder &b;
  Context &ctx;
  Location loc;
  const OpInfo &op;
  llvm::SmallVector<std::tuple<Attribute, Type, Value *>, 4> defaults;
};

//===----------------------------------------------------------------------===//
// Messages
//===----------------------------------------------------------------------===//

/// `aten::add.Tensor` for the op `aten.add.Tensor`.
std::string torchName(const OpInfo &op) {
  StringRef ns = op.getNamespace();
  return (ns + "::" + op.name.drop_front(ns.size() + 1)).str();
}

/// `add.Tensor(Tensor self, Tensor other, *, Scalar alpha=1)`.
void printCandidate(const OpInfo &op, llvm::raw_ostream &os) {
  const Schema &s = op.schema;
  os << op.name.drop_front(op.getNamespace().size() + 1) << '(';
  bool keywordOnly = false;
  for (unsigned i = 0; i < s.params.size(); ++i) {
    const SchemaParam &p = s.params[i];
    if (i)
      os << ", ";
    if (p.keywordOnly && !keywordOnly) {
      os << "*, ";
      keywordOnly = true;
    }
    bool isVariadic = s.variadic && i + 1 == s.params.size();
    if (isVariadic && p.name.empty()) {
      os << "...";
      continue;
    }
    p.type.print(os, /*withAlias=*/false);
    os << (isVariadic ? "... " : " ") << p.name;
    if (p.hasDefault())
      os << '=' << p.defaultText;
  }
  os << ')';
}

void printArgumentTypes(llvm::ArrayRef<CallArgument> args,
                        llvm::raw_ostream &os) {
  os << '(';
  for (unsigned i = 0; i < args.size(); ++i) {
    if (i)
      os << ", ";
    if (!args[i].keyword.empty())
      os << args[i].keyword << '=';
    os << args[i].value->getType();
  }
  os << ')';
}

/// TorchScript never picks aten::view.dtype by matching: it cannot tell a
/// dtype from an int (pytorch/pytorch#47964).
bool isBlockListed(const OpInfo &op) { return op.name == "aten.view.dtype"; }

} // namespace

std::optional<ResolvedCall> irc::resolveCall(Builder &builder, Location loc,
                                             StringRef ns, StringRef name,
                                             llvm::ArrayRef<CallArgument> args,
                                             std::string &error,
                                             llvm::SMLoc *errorLoc) {
  Context &ctx = builder.getContext();
  std::string fullName = (ns + "." + name).str();
  std::string prefix = fullName + ".";
  llvm::SmallVector<const OpInfo *, 8> candidates;
  for (const OpInfo &op : getRegisteredOps()) {
    if (op.name != fullName && !op.name.startswith(prefix))
      continue;
    // Table ops without a schema (`prim.if`) are not called by name.
    if (op.schemaText.empty())
      continue;
    if (isBlockListed(op) && op.name != fullName)
      continue;
    candidates.push_back(&op);
  }
  std::string torchCallee = (ns + "::" + name).str();
  if (candidates.empty()) {
    error = "unsupported operator '" + torchCallee + "'";
    return std::nullopt;
  }

  // As TorchScript: without conversions first, unless there is only one
  // candidate; the first match wins.
  std::vector<Failure> failures;
  std::optional<Plan> plan;
  for (bool allowConversions : {false, true}) {
    if (!allowConversions && candidates.size() == 1)
      continue;
    failures.assign(candidates.size(), Failure());
    for (unsigned i = 0; i < candidates.size() && !plan; ++i)
      plan = Matcher(ctx, *candidates[i], args, allowConversions)
                 .match(failures[i]);
    if (plan)
      break;
  }

  if (!plan) {
    // One candidate, or all failing alike: that reason. One candidate the
    // arguments fit: why its types do not. Else: the candidates.
    auto setLoc = [&](const Failure &f) {
      if (errorLoc && f.loc.isValid())
        *errorLoc = f.loc;
    };
    bool allAlike = llvm::all_of(failures, [&](const Failure &f) {
      return f.reason == failures.front().reason;
    });
    if (allAlike) {
      error = "'" +
              (candidates.size() == 1 ? torchName(*candidates.front())
                                      : torchCallee) +
              "' " + failures.front().reason;
      setLoc(failures.front());
      return std::nullopt;
    }
    if (llvm::count_if(failures, [](const Failure &f) { return f.assigned; }) ==
        1) {
      unsigned i =
          llvm::find_if(failures, [](const Failure &f) { return f.assigned; }) -
          failures.begin();
      error = "'" + torchName(*candidates[i]) + "' " + failures[i].reason;
      setLoc(failures[i]);
      return std::nullopt;
    }
    std::string message;
    llvm::raw_string_ostream os(message);
    os << "no overload of '" << torchCallee << "' accepts ";
    printArgumentTypes(args, os);
    os << ": candidates are ";
    for (unsigned i = 0; i < candidates.size(); ++i) {
      if (i)
        os << ", ";
      printCandidate(*candidates[i], os);
    }
    error = os.str();
    return std::nullopt;
  }

  ResolvedCall call;
  call.op = plan->op;
  Emitter emitter(builder, loc, *plan->op);
  for (const Operand &o : plan->operands)
    call.operands.push_back(emitter.emit(o));
  call.resultTypes = plan->resultTypes;
  return call;
}

Operation *irc::createResolvedCall(Builder &builder, Location loc,
                                   const ResolvedCall &call) {
  return builder.create(loc, call.op->id, call.resultTypes, call.operands);
}
