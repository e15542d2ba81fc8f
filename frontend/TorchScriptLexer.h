//===- TorchScriptLexer.h - Tokens of printed TorchScript -------*- C++ -*-===//
//
// Python-style tokens for the printed TorchScript subset: identifiers
// (keywords included; the parser tells them apart), numbers, strings and
// punctuation, with NEWLINE / INDENT / DEDENT from the indentation of each
// line. Newlines inside brackets are ignored, blank and comment lines too.
//
// Errors come back as an Error token whose location is the offending byte
// and whose message getErrorMessage() gives. The lexer never reads outside
// the buffer: it does not rely on a NUL terminator, and a NUL byte in the
// text is an error like any other invalid character.
//
//===----------------------------------------------------------------------===//
#ifndef IRC_FRONTEND_TORCHSCRIPTLEXER_H
#define IRC_FRONTEND_TORCHSCRIPTLEXER_H

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/SMLoc.h"
#include <optional>
#include <string>

namespace irc::ts {

struct Token {
  enum Kind {
    Eof,
    Error,
    Newline, ///< end of a logical line (spelling "\n", or empty at EOF)
    Indent,  ///< empty spelling at the first character of the line
    Dedent,  ///< empty spelling at the first character of the line
    Identifier,
    Integer, ///< 42 (never signed: '-' is its own token)
    Float,   ///< 0., 1.5, 1e-05, 1.0000000000000001e-05
    String,  ///< "text" or 'text' (spelling includes the quotes)
    LParen,
    RParen,
    LSquare,
    RSquare,
    LBrace,
    RBrace,
    Comma,
    Colon,
    Dot,
    Equal,
    Arrow,
    Minus,
  };
  Kind kind = Eof;
  llvm::StringRef spelling;

  bool is(Kind k) const { return kind == k; }
  bool isIdentifier(llvm::StringRef name) const {
    return kind == Identifier && spelling == name;
  }
  llvm::SMLoc getLoc() const {
    return llvm::SMLoc::getFromPointer(spelling.data());
  }
};

class Lexer {
public:
  explicit Lexer(llvm::StringRef buffer);

  /// Returns the next token. After an Error token every later call returns
  /// the same error.
  Token lex();
  /// The message of the Error token returned last.
  llvm::StringRef getErrorMessage() const { return errorMessage; }

  /// Decodes the text of a String token (quotes included) to UTF-8. On
  /// malformed input returns false and sets `errorPos` (the offending byte)
  /// and `errorMessage`; `out` is then unspecified. The lexer only returns
  /// String tokens that decode without error.
  static bool decodeString(llvm::StringRef spelling, std::string &out,
                           const char *&errorPos, std::string &errorMessage);

private:
  Token make(Token::Kind kind, const char *start) {
    return Token{kind, llvm::StringRef(start, cur - start)};
  }
  Token makeError(const char *at, const llvm::Twine &message);
  /// Measures the indentation of a new line, skipping blank and comment
  /// lines; returns an Indent, Dedent or Error token, or nothing when the
  /// width does not change or the file ends.
  std::optional<Token> lexIndentation();
  Token lexNumber(const char *start);
  Token lexString(const char *start);
  Token lexEndOfFile();

  llvm::StringRef buffer;
  const char *cur;
  const char *end;
  /// Widths of the open indented blocks; the first is 0.
  llvm::SmallVector<unsigned, 16> indents;
  unsigned pendingDedents = 0;
  const char *dedentLoc = nullptr;
  unsigned bracketDepth = 0;
  bool atLineStart = true;
  bool failed = false;
  Token errorToken;
  std::string errorMessage;
};

} // namespace irc::ts

#endif // IRC_FRONTEND_TORCHSCRIPTLEXER_H
