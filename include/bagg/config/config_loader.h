#pragma once
// Reads and strictly validates the INI configuration. Every problem is reported with file, line
// and key; all of them at once, so a user fixes a file in one go.

#include "bagg/config/config.h"

#include <string>
#include <string_view>
#include <vector>

namespace bagg {

// "file:12: [imbalance] warning_threshold: message": a problem in a configuration file, as every
// message about one reads (line 0 and an empty key are left out).
std::string locatedMessage(const std::string& file, int line, std::string_view key, std::string_view message);

struct ConfigError {
    std::string file;
    int line = 0;     // 0: not tied to a line (e.g. unreadable file)
    std::string key;  // "[imbalance] warning_threshold", empty when not tied to a key
    std::string message;

    std::string describe() const;  // "file:12: [imbalance] warning_threshold: must be a number"
};

struct ConfigLoad {
    Config config;
    std::vector<ConfigError> errors;
    bool fileMissing = false;  // defaults were used

    bool ok() const { return errors.empty(); }
};

// A file that does not exist yields the defaults with fileMissing set; an unreadable one is an error.
ConfigLoad loadConfigFile(const std::string& path);
ConfigLoad parseConfig(std::string_view text, const std::string& fileName);

// The effective configuration as INI text, every key with its value.
std::string formatConfig(const Config& config);

}  // namespace bagg
