#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace flowquery {

// Numbers the names of a text key (account, connection type) so that a
// summary row holds a 32-bit number instead of a string: 0 is "(unknown)",
// n the n-th distinct name seen.  Numbers follow arrival order, which
// differs between threads: merge() renumbers, and rows are ordered by rank()
// (by name), never by number.
class NameNumbering {
  public:
    static constexpr std::string_view unknown = "(unknown)";

    // The number of `name` (an empty name is "(unknown)").  The client map
    // hands out views of its own text, so a repeated view (a customer's flows
    // often come together) skips hashing the name.
    std::uint32_t number(std::string_view name) {
        if (name.data() == last_data_ && name.size() == last_size_) return last_number_;
        last_number_ = name.empty() ? 0 : intern(name);
        last_data_ = name.data();
        last_size_ = name.size();
        return last_number_;
    }
    std::uint32_t intern(std::string_view name);

    std::string_view name(std::uint64_t number) const {
        return number == 0 ? unknown : std::string_view(names_[number - 1]);
    }

    // rank[number]: the position of the number's name in name order.
    std::vector<std::uint64_t> ranks() const;

  private:
    struct TransparentHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const {
            return std::hash<std::string_view>{}(s);
        }
    };

    std::vector<std::string> names_;
    std::unordered_map<std::string, std::uint32_t, TransparentHash, std::equal_to<>> numbers_;
    const char* last_data_ = nullptr;
    std::size_t last_size_ = 0;
    std::uint32_t last_number_ = 0;
};

}  // namespace flowquery
