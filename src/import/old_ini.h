#pragma once
// Reads an old aggregator's INI file (Python configparser style) with inih, keeping each option's
// line: the options in file order, the section headers, and the first syntax error.

#include <string>
#include <string_view>
#include <vector>

namespace bagg {

struct OldIniOption {
    std::string section;  // as written; "" before the first section header
    std::string key;      // as written
    std::string value;    // continuation lines joined with '\n' (configparser's multi-line values)
    int line = 0;         // of the key
};

struct OldIni {
    std::vector<OldIniOption> options;
    std::vector<std::string> sections;  // every [section] header, in order, also those without keys
    int errorLine = 0;                  // first line that is none of comment, [section], key = value
    std::string error;                  // why, for errorLine or a line too long
};

// Comments: whole lines starting with ';' or '#', and " ; comment" after a value (also on
// continuation lines, as dbus-aggregate-batteries' own list reader strips them). A repeated option
// in one section is an error (configparser refuses it too). Lines longer than inih's buffer (198
// characters) are an error unless they are comments.
OldIni readOldIni(std::string_view text);

}  // namespace bagg
