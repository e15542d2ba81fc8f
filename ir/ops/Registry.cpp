//===- Registry.cpp - The op registry built from the op tables ------------===//
#include "ir/ops/OpHooks.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/ErrorHandling.h"

using namespace irc;
using llvm::StringRef;

llvm::StringRef OpInfo::getNamespace() const {
  size_t dot = name.find('.');
  return dot == StringRef::npos ? StringRef() : name.take_front(dot);
}

static std::vector<OpInfo> buildRegistry() {
  std::vector<OpInfo> ops = {
#define IRC_OP(Id, Name, SchemaText, Regions, Traits, Verify, Infer, Fold)     \
  OpInfo{OpId::Id, Name,  SchemaText, Regions, Traits,                         \
         Verify,   Infer, Fold,       Schema()},
#include "ir/ops/Ops.def"
  };
  for (OpInfo &info : ops) {
    if (info.schemaText.empty())
      continue;
    std::string err = parseSchema(info.schemaText, info.schema);
    if (!err.empty())
      llvm::report_fatal_error(llvm::Twine("bad schema for '") + info.name +
                               "': " + err);
  }
  return ops;
}

llvm::ArrayRef<OpInfo> irc::getRegisteredOps() {
  static const std::vector<OpInfo> ops = buildRegistry();
  return ops;
}

//===----------------------------------------------------------------------===//
// Schema parsing: `(Tensor self, int[] size, t... rest) -> (Tensor, int)`.
//===----------------------------------------------------------------------===//

namespace {
class SchemaParser {
public:
  explicit SchemaParser(StringRef text) : text(text) {}

  std::string parse(Schema &out) {
    if (!consume("("))
      return "expected '('";
    if (!consume(")")) {
      do {
        SchemaParam p;
        if (!parseType(p.type))
          return "bad parameter type near '" + text.str() + "'";
        if (consume("...")) {
          out.variadic = true;
        }
        p.name = takeIdentifier().str();
        if (p.name.empty())
          return "missing parameter name near '" + text.str() + "'";
        out.params.push_back(std::move(p));
        if (out.variadic && !peek(")"))
          return "'...' must be on the last parameter";
      } while (consume(","));
      if (!consume(")"))
        return "expected ')' near '" + text.str() + "'";
    }
    if (!consume("->"))
      return "expected '->'";
    bool paren = consume("(");
    if (!(paren && consume(")"))) {
      do {
        SchemaType t;
        if (!parseType(t))
          return "bad result type near '" + text.str() + "'";
        out.results.push_back(std::move(t));
      } while (paren && consume(","));
      if (paren && !consume(")"))
        return "expected ')' after results";
    }
    skipSpace();
    return text.empty() ? "" : "unexpected '" + text.str() + "'";
  }

private:
  void skipSpace() { text = text.ltrim(); }
  bool peek(StringRef tok) {
    skipSpace();
    return text.startswith(tok);
  }
  bool consume(StringRef tok) {
    if (!peek(tok))
      return false;
    text = text.drop_front(tok.size());
    return true;
  }
  StringRef takeIdentifier() {
    skipSpace();
    size_t n = 0;
    while (n < text.size() && (llvm::isAlnum(text[n]) || text[n] == '_'))
      ++n;
    StringRef id = text.take_front(n);
    text = text.drop_front(n);
    return id;
  }
  bool parseType(SchemaType &t) {
    StringRef base = takeIdentifier();
    using K = SchemaType::Kind;
    if (base == "Tensor")
      t.kind = K::Tensor;
    else if (base == "int" || base == "ScalarType" || base == "Layout" ||
             base == "MemoryFormat")
      t.kind = K::Int;
    else if (base == "float")
      t.kind = K::Float;
    else if (base == "bool")
      t.kind = K::Bool;
    else if (base == "str")
      t.kind = K::Str;
    else if (base == "Device")
      t.kind = K::Device;
    else if (base == "Scalar")
      t.kind = K::Scalar;
    else if (base == "Any")
      t.kind = K::Any;
    else if (base.size() == 1 && (base[0] >= 'a' && base[0] <= 'z')) {
      t.kind = K::Var;
      t.var = base.str();
    } else
      return false;
    while (true) {
      if (consume("[")) {
        takeIdentifier(); // fixed sizes like int[2] are not checked
        if (!consume("]"))
          return false;
        wrap(t, K::List);
      } else if (consume("?")) {
        wrap(t, K::Optional);
      } else {
        return true;
      }
    }
  }
  static void wrap(SchemaType &t, SchemaType::Kind kind) {
    auto inner = std::make_shared<SchemaType>(std::move(t));
    t = SchemaType{kind, "", inner};
  }

  StringRef text;
};
} // namespace

std::string irc::parseSchema(StringRef text, Schema &out) {
  return SchemaParser(text).parse(out);
}
