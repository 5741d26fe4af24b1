#pragma once
// Every callback that C code runs for us (sd-event sources; sd-bus matches and async replies) goes
// through guardedCallback: an exception must never unwind through C frames (one escaping into
// sd-bus breaks the connection for good), and one bad message or event must never stop the others.

#include <spdlog/spdlog.h>

#include <exception>

namespace bagg {

template <typename F>
void guardedCallback(const char* what, F&& f) noexcept
{
    try {
        f();
    } catch (const std::exception& e) {
        spdlog::error("{} failed: {}", what, e.what());
    } catch (...) {
        spdlog::error("{} failed with an unknown exception", what);
    }
}

}  // namespace bagg
