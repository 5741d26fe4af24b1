#pragma once
// The INI text both our loader and the import of old configurations read and write through inih:
// its line limit, the line feeding it needs, and long lists written back on continuation lines.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace bagg {

// The longest line inih reads whole: Debian builds it with a 200-byte buffer (INI_MAX_LINE), less
// the newline and the terminating NUL. A longer line would be cut silently.
inline constexpr std::size_t kMaxIniLine = 198;

// `s` without the blanks (by default spaces and tabs) at either end.
std::string trim(std::string_view s, std::string_view blanks = " \t");

// A comma-separated value's items, each trimmed; empty items dropped ("a, ,b" -> a, b).
std::vector<std::string> splitList(std::string_view value);

// inih strips " ; comment" from a key's line but not from an indented continuation line (found by
// scripts/fuzz): strips it from `text`, so that a comment means the same on every line.
void stripContinuationComment(std::string& text);

// Copies `text`, cut to `max` bytes, and a newline into inih's `buffer` (of at least max + 2).
char* feedLine(char* buffer, const std::string& text, std::size_t max);

// "HEAD a, b, c" as lines of at most `max` bytes: the items of `list` (", "-separated) after
// `head` while they fit, then on continuation lines that start with `indent`.
std::vector<std::string> wrapList(std::string_view head, std::string_view list, std::string_view indent,
                                  std::size_t max = kMaxIniLine);

}  // namespace bagg
