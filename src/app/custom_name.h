#pragma once
// What a CustomName written over D-Bus (the GX GUI, `dbus -y ... /CustomName SetValue`) may be,
// and how text from outside is shortened for the log. A name the GUI cannot show whole, or that is
// not valid UTF-8, is refused (SetValue returns non-zero and nothing changes).

#include <cstddef>
#include <string>
#include <string_view>

namespace bagg {

// Characters (code points) of a CustomName: the GX device list shows about this many.
inline constexpr std::size_t kMaxCustomName = 64;

// Why `name` cannot be our CustomName ("not valid UTF-8", "5000 characters, at most 64"); empty
// when it can.
std::string customNameProblem(std::string_view name);

// `text` as a log line may carry it: at most `max` characters of it, then "… (N characters)";
// bytes that are not valid UTF-8 or are control characters shown as '?'.
std::string shortenedForLog(std::string_view text, std::size_t max = 40);

}  // namespace bagg
