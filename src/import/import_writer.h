#pragma once
// The shared writer of an imported configuration: collects our keys with the old options they
// came from, commented-out suggestions and the old options that have no equivalent, and renders
// them as one INI text our loader accepts.

#include "import/import_config.h"

#include "bagg/core/strict_number.h"  // formatNumber: numbers as our file writes them

#include <string>
#include <string_view>
#include <vector>

namespace bagg {

class ImportWriter {
public:
    // Our key [section] key = value; `why` names the old option(s) it comes from. The value is
    // checked against our schema (config/config_schema.cpp): one ours refuses is written commented
    // out with the schema's message, and a warning is added. Setting a key again replaces its
    // value and adds the new `why` to the old one.
    void set(std::string_view section, std::string_view key, std::string value, std::string why);

    // A line the owner may want, written commented out in `section`, after `why`.
    void suggest(std::string_view section, std::string_view key, std::string value, std::string why);

    // A commented-out `[pack "<selector>"]` override, after `why`: which pack's value is wrong is
    // the owner's call, not the importer's.
    void suggestPack(std::string selector, std::string key, std::string value, std::string why);

    // An old option that became none of our keys, and why (one comment in the trailing block, in
    // the order of `line`, the old option's line; 0 = after those with a line).
    void drop(std::string why, int line = 0);

    // A warning for the caller to print, not tied to one of our keys.
    void warn(ImportProblem problem);

    // The INI text: `header` (comment lines, without ';'), then our sections in the schema's order
    // with their keys and suggestions, the pack suggestions, and the dropped options. It is loaded
    // with parseConfig before it is returned: a key our loader still refuses as a whole (e.g.
    // thresholds out of order) is commented out with the loader's message and reported in
    // `warnings`, until the text loads cleanly.
    std::string render(const std::vector<std::string>& header, std::vector<ImportProblem>& warnings) const;

private:
    struct Entry {
        std::string section;
        std::string key;
        std::string value;
        std::vector<std::string> why;
        bool active = true;        // false: written commented out
        std::string refusedBecause;  // our loader's reason, when it refused the value
    };
    struct PackSuggestion {
        std::string selector, key, value, why;
    };

    std::vector<Entry> entries_;
    std::vector<PackSuggestion> packSuggestions_;
    std::vector<std::pair<int, std::string>> dropped_;
    std::vector<ImportProblem> warnings_;

    struct KeyLines {
        int first = 0, last = 0;  // the lines of an active key in the rendered text
        std::size_t index = 0;    // into the entries
    };
    std::string renderOnce(const std::vector<std::string>& header, const std::vector<Entry>& entries,
                           std::vector<KeyLines>& keyLines) const;
};

// An old value for a comment: control characters replaced, newlines as spaces, at most 60
// characters ("..." when cut).
std::string displayValue(std::string_view value);

}  // namespace bagg
