// libFuzzer target: the INI configuration parser. Any input must give either a configuration or
// error messages, never a crash; and a configuration it accepts must print back to text that it
// accepts again, unchanged.

#include "bagg/config/config_loader.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto load = bagg::parseConfig(text, "fuzz.ini");
    for (const auto& e : load.errors)
        if (e.describe().empty()) std::abort();
    if (load.ok()) {
        const std::string printed = bagg::formatConfig(load.config);
        const auto again = bagg::parseConfig(printed, "printed.ini");
        if (!again.ok() || bagg::formatConfig(again.config) != printed) {
            std::fprintf(stderr, "accepted config does not round-trip:\n%s\n---- read back as:\n%s\n", printed.c_str(),
                         again.ok() ? bagg::formatConfig(again.config).c_str() : again.errors.front().describe().c_str());
            std::abort();
        }
    }
    return 0;
}
