#include "busitem_codec.h"

#include "busitem_types.h"

namespace bagg {

sdbus::Variant toVariant(const Value& v)
{
    if (const auto* d = std::get_if<double>(&v)) return sdbus::Variant(*d);
    if (const auto* i = std::get_if<std::int64_t>(&v)) return sdbus::Variant(static_cast<std::int32_t>(*i));
    if (const auto* s = std::get_if<std::string>(&v)) return sdbus::Variant(*s);
    return sdbus::Variant(std::vector<std::int32_t>{});
}

Decoded fromVariant(const sdbus::Variant& v)
{
    const std::string type = v.peekValueType();
    if (type.size() == 1)
        if (auto value = decodeBasic(type[0], [&v](auto t) { return v.get<typename decltype(t)::type>(); }))
            return {std::move(*value), true};
    // Invalid is an empty int32 array; velib also sends empty arrays of other types for it.
    if (type == "ai") return {Invalid{}, v.get<std::vector<std::int32_t>>().empty()};
    return {Invalid{}, false};
}

std::vector<PathValue> decodeNodeValue(sdbus::Message& msg, const std::string& nodePath)
{
    sdbus::Variant outer;
    msg >> outer;
    const auto dict = outer.get<std::map<std::string, sdbus::Variant>>();
    const std::string prefix = nodePath == "/" ? "/" : nodePath + "/";
    std::vector<PathValue> out;
    out.reserve(dict.size());
    for (const auto& [key, value] : dict) out.push_back({prefix + key, fromVariant(value)});
    return out;
}

std::map<std::string, sdbus::Variant> itemDict(const Value& v, const std::string& text)
{
    return {{"Value", toVariant(v)}, {"Text", sdbus::Variant(text)}};
}

}  // namespace bagg
