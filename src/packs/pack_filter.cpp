#include "pack_filter.h"

#include <algorithm>

namespace bagg {
namespace {

bool startsWith(const std::string& s, const char* prefix, std::string& rest)
{
    const std::string p(prefix);
    if (s.compare(0, p.size(), p) != 0) return false;
    rest = s.substr(p.size());
    return true;
}

}  // namespace

bool matchesEntry(const std::string& entry, const std::string& service, const std::string& customName,
                  const std::string& serial)
{
    std::string rest;
    if (startsWith(entry, "name:", rest)) return !customName.empty() && rest == customName;
    if (startsWith(entry, "serial:", rest)) return !serial.empty() && rest == serial;
    return entry == service;
}

bool isIncluded(const BatteriesConfig& c, const std::string& service, const std::string& customName,
                const std::string& serial)
{
    auto matches = [&](const std::string& e) { return matchesEntry(e, service, customName, serial); };
    if (!c.include.empty() && std::none_of(c.include.begin(), c.include.end(), matches)) return false;
    return std::none_of(c.exclude.begin(), c.exclude.end(), matches);
}

bool isExcludedByServiceName(const BatteriesConfig& c, const std::string& service)
{
    return std::find(c.exclude.begin(), c.exclude.end(), service) != c.exclude.end();
}

}  // namespace bagg
