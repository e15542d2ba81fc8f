//===- Lexer.cpp ----------------------------------------------------------===//
#include "ir/detail/Lexer.h"
#include "llvm/ADT/StringExtras.h"

using namespace irc;

static bool isIdChar(char c) {
  return llvm::isAlnum(c) || c == '_' || c == '.' || c == '$';
}

Token Lexer::lex() {
  while (true) {
    const char *start = cur;
    if (cur == buffer.end())
      return make(Token::Eof, start);
    char c = *cur++;
    switch (c) {
    case ' ':
    case '\t':
    case '\n':
    case '\r':
      continue;
    case '/':
      if (cur != buffer.end() && *cur == '/') {
        while (cur != buffer.end() && *cur != '\n')
          ++cur;
        continue;
      }
      return make(Token::Error, start);
    case '(':
      return make(Token::LParen, start);
    case ')':
      return make(Token::RParen, start);
    case '{':
      return make(Token::LBrace, start);
    case '}':
      return make(Token::RBrace, start);
    case '[':
      return make(Token::LSquare, start);
    case ']':
      return make(Token::RSquare, start);
    case '<':
      return make(Token::Less, start);
    case '>':
      return make(Token::Greater, start);
    case ',':
      return make(Token::Comma, start);
    case ':':
      return make(Token::Colon, start);
    case '=':
      return make(Token::Equal, start);
    case '?':
      return make(Token::Question, start);
    case '*':
      return make(Token::Star, start);
    case '-':
      if (cur != buffer.end() && *cur == '>') {
        ++cur;
        return make(Token::Arrow, start);
      }
      if (cur != buffer.end() && llvm::isDigit(*cur))
        return lexNumber(start);
      return make(Token::Minus, start);
    case '"':
      return lexString(start);
    case '%':
      return lexIdentifierTail(Token::PercentId, start);
    case '^':
      return lexIdentifierTail(Token::CaretId, start);
    case '!':
      return lexIdentifierTail(Token::ExclId, start);
    case '@':
      if (cur != buffer.end() && *cur == '"') {
        ++cur;
        Token s = lexString(cur - 1);
        if (s.is(Token::Error))
          return s;
        return make(Token::AtId, start);
      }
      return lexIdentifierTail(Token::AtId, start);
    default:
      if (llvm::isDigit(c))
        return lexNumber(start);
      if (llvm::isAlpha(c) || c == '_') {
        while (cur != buffer.end() && isIdChar(*cur))
          ++cur;
        return make(Token::BareId, start);
      }
      return make(Token::Error, start);
    }
  }
}

Token Lexer::lexIdentifierTail(Token::Kind kind, const char *start) {
  const char *begin = cur;
  while (cur != buffer.end() && isIdChar(*cur))
    ++cur;
  if (cur == begin)
    return make(Token::Error, start);
  return make(kind, start);
}

Token Lexer::lexNumber(const char *start) {
  auto digits = [&] {
    while (cur != buffer.end() && llvm::isDigit(*cur))
      ++cur;
  };
  digits();
  bool isFloat = false;
  if (cur != buffer.end() && *cur == '.') {
    isFloat = true;
    ++cur;
    digits();
  }
  if (cur != buffer.end() && (*cur == 'e' || *cur == 'E')) {
    const char *save = cur++;
    if (cur != buffer.end() && (*cur == '+' || *cur == '-'))
      ++cur;
    if (cur != buffer.end() && llvm::isDigit(*cur)) {
      isFloat = true;
      digits();
    } else {
      cur = save;
    }
  }
  return make(isFloat ? Token::Float : Token::Integer, start);
}

Token Lexer::lexString(const char *start) {
  while (cur != buffer.end()) {
    char c = *cur++;
    if (c == '"')
      return make(Token::String, start);
    if (c == '\n')
      break;
    if (c == '\\') {
      if (cur == buffer.end())
        break;
      ++cur;
    }
  }
  return make(Token::Error, start);
}

std::string Lexer::unescape(llvm::StringRef spelling) {
  llvm::StringRef body = spelling.drop_front().drop_back();
  std::string out;
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c != '\\' || i + 1 >= body.size()) {
      out += c;
      continue;
    }
    char n = body[++i];
    if (n == 'n')
      out += '\n';
    else if (n == 't')
      out += '\t';
    else if (i + 1 < body.size() && llvm::isHexDigit(n) &&
             llvm::isHexDigit(body[i + 1])) {
      out += char(llvm::hexFromNibbles(n, body[i + 1]));
      ++i;
    } else
      out += n;
  }
  return out;
}
