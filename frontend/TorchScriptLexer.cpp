//===- TorchScriptLexer.cpp - Tokens of printed TorchScript ---------------===//
//
// Indentation follows Python: a stack of open block widths; a deeper line
// pushes (INDENT), a shallower one pops until it matches (one DEDENT per
// pop) or reports an inconsistent dedent. At the end of the file the lexer
// closes the last line with a NEWLINE and every open block with a DEDENT.
// Tabs in indentation are rejected rather than guessed at: the printer
// indents with spaces only.
//
//===----------------------------------------------------------------------===//
#include "frontend/TorchScriptLexer.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

using namespace irc::ts;
using llvm::StringRef;

namespace {
bool isIdentStart(char c) { return llvm::isAlpha(c) || c == '_'; }
bool isIdentChar(char c) { return llvm::isAlnum(c) || c == '_'; }

/// `character 'c'` for a printable ASCII byte, `byte 0xNN` otherwise.
std::string describeByte(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  if (u >= 0x20 && u < 0x7f)
    return std::string("character '") + c + "'";
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "byte " << llvm::format_hex(u, 4, /*Upper=*/true);
  return os.str();
}

/// Appends code point `cp` (at most 0x10FFFF, not a surrogate) as UTF-8.
void appendUTF8(uint32_t cp, std::string &out) {
  char buf[4];
  char *p = buf;
  llvm::ConvertCodePointToUTF8(cp, p);
  out.append(buf, p);
}

/// Reads exactly `n` hex digits at `p` (before `end`) into `value`.
bool readHex(const char *p, const char *end, unsigned n, uint32_t &value) {
  if (end - p < static_cast<ptrdiff_t>(n))
    return false;
  value = 0;
  for (unsigned i = 0; i < n; ++i) {
    unsigned d = llvm::hexDigitValue(p[i]);
    if (d == ~0U)
      return false;
    value = value * 16 + d;
  }
  return true;
}
} // namespace

Lexer::Lexer(StringRef buffer)
    : buffer(buffer), cur(buffer.begin()), end(buffer.end()) {
  indents.push_back(0);
}

Token Lexer::makeError(const char *at, const llvm::Twine &message) {
  failed = true;
  errorMessage = message.str();
  errorToken = Token{Token::Error, StringRef(at, at < end ? 1 : 0)};
  return errorToken;
}

Token Lexer::lex() {
  if (failed)
    return errorToken;
  if (pendingDedents) {
    --pendingDedents;
    return Token{Token::Dedent, StringRef(dedentLoc, 0)};
  }
  if (atLineStart && bracketDepth == 0) {
    if (std::optional<Token> t = lexIndentation())
      return *t;
  }

  while (true) {
    const char *start = cur;
    if (cur == end)
      return lexEndOfFile();
    char c = *cur++;
    switch (c) {
    case ' ':
    case '\t':
    case '\r':
    case '\f':
      continue;
    case '#':
      while (cur != end && *cur != '\n')
        ++cur;
      continue;
    case '\n':
      if (bracketDepth > 0)
        continue;
      atLineStart = true;
      return make(Token::Newline, start);
    case '(':
      ++bracketDepth;
      return make(Token::LParen, start);
    case '[':
      ++bracketDepth;
      return make(Token::LSquare, start);
    case '{':
      ++bracketDepth;
      return make(Token::LBrace, start);
    case ')':
    case ']':
    case '}':
      // An unbalanced closer is the parser's error to report; keep the
      // count from wrapping around.
      if (bracketDepth > 0)
        --bracketDepth;
      return make(c == ')'   ? Token::RParen
                  : c == ']' ? Token::RSquare
                             : Token::RBrace,
                  start);
    case ',':
      return make(Token::Comma, start);
    case ':':
      return make(Token::Colon, start);
    case '.':
      return make(Token::Dot, start);
    case '=':
      if (cur != end && *cur == '=')
        return makeError(start, "unexpected '=='; printed TorchScript has no "
                                "comparison operators");
      return make(Token::Equal, start);
    case '-':
      if (cur != end && *cur == '>') {
        ++cur;
        return make(Token::Arrow, start);
      }
      return make(Token::Minus, start);
    case '"':
    case '\'':
      return lexString(start);
    case '+':
    case '*':
    case '/':
    case '%':
    case '<':
    case '>':
    case '!':
    case '&':
    case '|':
    case '^':
    case '~':
    case '@':
      return makeError(start, "unexpected " + describeByte(c) +
                                  "; printed TorchScript has no operators "
                                  "other than unary '-'");
    case ';':
      return makeError(start, "unexpected ';'; printed TorchScript has one "
                              "statement per line");
    case '\\':
      return makeError(start, "unexpected '\\'; line continuations are not "
                              "supported");
    case '\0':
      return makeError(start, "unexpected NUL byte");
    default:
      if (llvm::isDigit(c))
        return lexNumber(start);
      if (isIdentStart(c)) {
        while (cur != end && isIdentChar(*cur))
          ++cur;
        return make(Token::Identifier, start);
      }
      if (static_cast<unsigned char>(c) >= 0x80)
        return makeError(start, "unexpected " + describeByte(c) +
                                    " outside a string literal (identifiers "
                                    "are ASCII)");
      return makeError(start, "unexpected " + describeByte(c));
    }
  }
}

std::optional<Token> Lexer::lexIndentation() {
  while (true) {
    unsigned width = 0;
    while (cur != end && *cur == ' ') {
      ++cur;
      ++width;
    }
    if (cur == end)
      return std::nullopt;
    const char *p = cur;
    while (p != end && *p == '\r')
      ++p;
    if (p == end || *p == '\n') {
      cur = p == end ? p : p + 1; // blank line
      continue;
    }
    if (*p == '#') {
      while (p != end && *p != '\n')
        ++p;
      cur = p;
      continue;
    }
    if (*cur == '\t')
      return makeError(cur, "tab in indentation; printed TorchScript indents "
                            "with spaces only");
    if (*cur == '\f' || *cur == '\r')
      return makeError(cur,
                       "unexpected " + describeByte(*cur) + " in indentation");

    atLineStart = false;
    if (width > indents.back()) {
      indents.push_back(width);
      return Token{Token::Indent, StringRef(cur, 0)};
    }
    if (width < indents.back()) {
      unsigned popped = 0;
      while (indents.back() > width) {
        indents.pop_back();
        ++popped;
      }
      if (indents.back() != width)
        return makeError(cur, "unindent to column " + llvm::Twine(width + 1) +
                                  " does not match any outer indentation "
                                  "level");
      pendingDedents = popped - 1;
      dedentLoc = cur;
      return Token{Token::Dedent, StringRef(cur, 0)};
    }
    // Same width as the enclosing block: no indentation token.
    return std::nullopt;
  }
}

Token Lexer::lexEndOfFile() {
  if (!atLineStart) {
    atLineStart = true;
    return Token{Token::Newline, StringRef(end, 0)};
  }
  if (indents.size() > 1) {
    indents.pop_back();
    return Token{Token::Dedent, StringRef(end, 0)};
  }
  return Token{Token::Eof, StringRef(end, 0)};
}

Token Lexer::lexNumber(const char *start) {
  while (cur != end && llvm::isDigit(*cur))
    ++cur;
  bool isFloat = false;
  if (cur != end && *cur == '.') {
    isFloat = true;
    ++cur;
    while (cur != end && llvm::isDigit(*cur))
      ++cur;
  }
  if (cur != end && (*cur == 'e' || *cur == 'E')) {
    const char *p = cur + 1;
    if (p != end && (*p == '+' || *p == '-'))
      ++p;
    if (p != end && llvm::isDigit(*p)) {
      isFloat = true;
      cur = p;
      while (cur != end && llvm::isDigit(*cur))
        ++cur;
    }
  }
  if (cur != end && (isIdentChar(*cur) || *cur == '.')) {
    const char *p = cur;
    while (p != end && (isIdentChar(*p) || *p == '.') && p - start < 40)
      ++p;
    return makeError(start, "invalid number literal '" +
                                StringRef(start, p - start) + "'");
  }
  if (!isFloat && *start == '0' && cur - start > 1)
    return makeError(start, "leading zeros are not allowed in integer "
                            "literals");
  return make(isFloat ? Token::Float : Token::Integer, start);
}

Token Lexer::lexString(const char *start) {
  char quote = *start;
  if (end - start >= 3 && start[1] == quote && start[2] == quote)
    return makeError(start, "triple-quoted strings are not supported");
  while (true) {
    if (cur == end || *cur == '\n')
      return makeError(start, "unterminated string literal");
    char c = *cur++;
    if (c == quote)
      break;
    // Skip the escaped character (a quote or backslash) here; the escape
    // itself is checked by decodeString.
    if (c == '\\' && cur != end && *cur != '\n')
      ++cur;
  }
  Token tok = make(Token::String, start);
  std::string scratch;
  const char *errorPos = nullptr;
  std::string message;
  if (!decodeString(tok.spelling, scratch, errorPos, message))
    return makeError(errorPos, message);
  return tok;
}

bool Lexer::decodeString(StringRef spelling, std::string &out,
                         const char *&errorPos, std::string &errorMessage) {
  auto fail = [&](const char *at, const llvm::Twine &msg) {
    errorPos = at;
    errorMessage = msg.str();
    return false;
  };
  out.clear();
  if (spelling.size() < 2 || spelling.front() != spelling.back() ||
      (spelling.front() != '"' && spelling.front() != '\''))
    return fail(spelling.data(), "malformed string literal");
  const char *p = spelling.begin() + 1;
  const char *bodyEnd = spelling.end() - 1;
  while (p != bodyEnd) {
    char c = *p;
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '\0')
      return fail(p, "NUL byte in string literal");
    if (u >= 0x80) {
      auto *src = reinterpret_cast<const llvm::UTF8 *>(p);
      auto *srcEnd = reinterpret_cast<const llvm::UTF8 *>(bodyEnd);
      if (!llvm::isLegalUTF8Sequence(src, srcEnd))
        return fail(p, "invalid UTF-8 in string literal");
      unsigned n = llvm::getNumBytesForUTF8(u);
      out.append(p, n);
      p += n;
      continue;
    }
    if (c != '\\') {
      out.push_back(c);
      ++p;
      continue;
    }

    const char *escape = p++;
    if (p == bodyEnd)
      return fail(escape, "unterminated escape sequence in string literal");
    char e = *p++;
    switch (e) {
    case '\\':
    case '\'':
    case '"':
      out.push_back(e);
      continue;
    case 'a':
      out.push_back('\a');
      continue;
    case 'b':
      out.push_back('\b');
      continue;
    case 'f':
      out.push_back('\f');
      continue;
    case 'n':
      out.push_back('\n');
      continue;
    case 'r':
      out.push_back('\r');
      continue;
    case 't':
      out.push_back('\t');
      continue;
    case 'v':
      out.push_back('\v');
      continue;
    case 'x':
    case 'u':
    case 'U': {
      unsigned digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
      uint32_t cp;
      if (!readHex(p, bodyEnd, digits, cp))
        return fail(escape, "'\\" + llvm::Twine(e) + "' escape needs " +
                                llvm::Twine(digits) + " hex digits");
      if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return fail(escape, "escape '" + StringRef(escape, digits + 2) +
                                "' is not a valid Unicode code point");
      appendUTF8(cp, out);
      p += digits;
      continue;
    }
    default:
      break;
    }
    if (e >= '0' && e <= '7') {
      // Up to three octal digits, as the printer writes unprintable ASCII
      // (`\001`). Like Python, the value is a code point.
      uint32_t cp = e - '0';
      for (int i = 0; i < 2 && p != bodyEnd && *p >= '0' && *p <= '7'; ++i)
        cp = cp * 8 + (*p++ - '0');
      appendUTF8(cp, out);
      continue;
    }
    if (e == '\n')
      return fail(escape, "line continuation inside a string literal is not "
                          "supported");
    unsigned char ue = static_cast<unsigned char>(e);
    if (ue >= 0x20 && ue < 0x7f)
      return fail(escape, "invalid escape sequence '\\" + llvm::Twine(e) +
                              "' in string literal");
    return fail(escape,
                "invalid escape sequence: '\\' followed by " + describeByte(e));
  }
  return true;
}
