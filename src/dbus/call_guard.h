#pragma once
// Every callback that sd-bus runs for us (match, async reply) goes through guardedCallback: an
// exception escaping into sd-bus would break the connection for good, and one bad message must
// never stop the others.

#include <spdlog/spdlog.h>

#include <exception>

namespace bagg {

template <typename F>
void guardedCallback(const char* what, F&& f) noexcept
{
    try {
        f();
    } catch (const std::exception& e) {
        spdlog::warn("{}: {}", what, e.what());
    } catch (...) {
        spdlog::warn("{}: unknown exception", what);
    }
}

}  // namespace bagg
