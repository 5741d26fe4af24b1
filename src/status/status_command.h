#pragma once
// `dbus-battery-aggregator status`: reads our service from the bus and shows the bank. Every call
// has a timeout, so it never hangs on a stuck bus.

#include <optional>
#include <string>

namespace bagg {

struct StatusOptions {
    bool watch = false;
    bool json = false;
    int count = 0;          // with --watch: stop after this many refreshes (0 = until Ctrl-C)
    double interval = 1.0;  // s between refreshes
    std::optional<std::string> busAddress;
};

int runStatus(const StatusOptions& options);

}  // namespace bagg
