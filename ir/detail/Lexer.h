//===- Lexer.h - Tokens of the IR text form (internal) ----------*- C++ -*-===//
#ifndef IRC_IR_DETAIL_LEXER_H
#define IRC_IR_DETAIL_LEXER_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/SMLoc.h"

namespace irc {

struct Token {
  enum Kind {
    Eof,
    Error,
    BareId,    // func, aten.conv2d, tensor, true
    PercentId, // %x
    AtId,      // @name or @"name"
    CaretId,   // ^bb0
    ExclId,    // !xnn.conv2d_params
    Integer,   // 42, -3
    Float,     // 1.5, -2e-05
    String,    // "text" (spelling includes the quotes)
    LParen,
    RParen,
    LBrace,
    RBrace,
    LSquare,
    RSquare,
    Less,
    Greater,
    Comma,
    Colon,
    Equal,
    Arrow,
    Question,
    Star,
    Minus,
  };
  Kind kind = Eof;
  llvm::StringRef spelling;

  bool is(Kind k) const { return kind == k; }
  bool isKeyword(llvm::StringRef kw) const {
    return kind == BareId && spelling == kw;
  }
  llvm::SMLoc getLoc() const {
    return llvm::SMLoc::getFromPointer(spelling.data());
  }
};

class Lexer {
public:
  explicit Lexer(llvm::StringRef buffer)
      : buffer(buffer), cur(buffer.begin()) {}
  Token lex();
  /// Continues lexing at `ptr` (used after scanning tensor dims by hand).
  void resetPointer(const char *ptr) { cur = ptr; }
  const char *getPointer() const { return cur; }
  const char *getBufferEnd() const { return buffer.end(); }
  /// Decodes the body of a string token (`\\`, `\"`, `\n`, `\t`, `\XX`).
  static std::string unescape(llvm::StringRef spelling);

private:
  Token make(Token::Kind kind, const char *start) {
    return Token{kind, llvm::StringRef(start, cur - start)};
  }
  Token lexNumber(const char *start);
  Token lexString(const char *start);
  Token lexIdentifierTail(Token::Kind kind, const char *start);

  llvm::StringRef buffer;
  const char *cur;
};

} // namespace irc

#endif
