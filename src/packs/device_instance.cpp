#include "device_instance.h"

#include <exception>

namespace bagg {

std::optional<int> parseClassAndVrmInstance(const std::string& text)
{
    const auto colon = text.find(':');
    if (colon == std::string::npos) return std::nullopt;
    try {
        std::size_t used = 0;
        const int n = std::stoi(text.substr(colon + 1), &used);
        if (used != text.size() - colon - 1 || n < 0 || n > kMaxDeviceInstance) return std::nullopt;
        return n;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

int firstFreeInstance(int from, const std::set<int>& taken)
{
    for (int i = 0; i <= kMaxDeviceInstance; ++i) {
        const int candidate = (from + i) % (kMaxDeviceInstance + 1);
        if (!taken.count(candidate)) return candidate;
    }
    return from;
}

}  // namespace bagg
