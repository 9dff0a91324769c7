#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "flowfile/text_lines.hpp"

using flowfile::TextLine;
using flowfile::TextLines;

namespace {

using Numbered = std::vector<std::pair<std::size_t, std::string>>;

Numbered lines_of(std::string_view text) {
    Numbered out;
    TextLines lines(text);
    while (const std::optional<TextLine> line = lines.next())
        out.emplace_back(line->number, std::string(line->text));
    return out;
}

}  // namespace

TEST_CASE("text lines are numbered from 1 in order", "[text_lines]") {
    CHECK(lines_of("pid=1\nflows=2\nupdated=3\n") ==
          Numbered{{1, "pid=1"}, {2, "flows=2"}, {3, "updated=3"}});
}

TEST_CASE("text after the last newline is a line", "[text_lines]") {
    CHECK(lines_of("a\nb") == Numbered{{1, "a"}, {2, "b"}});
    CHECK(lines_of("only") == Numbered{{1, "only"}});
}

TEST_CASE("a CR before the newline is not part of the line", "[text_lines]") {
    CHECK(lines_of("a\r\nb\r\n") == Numbered{{1, "a"}, {2, "b"}});
    CHECK(lines_of("a\r\nb\r") == Numbered{{1, "a"}, {2, "b"}});
    // Only the one before the line break: a CR elsewhere is text.
    CHECK(lines_of("a\rb\r\r\n") == Numbered{{1, "a\rb\r"}});
    CHECK(lines_of("\r\n") == Numbered{{1, ""}});
}

TEST_CASE("empty lines are lines and keep the count", "[text_lines]") {
    CHECK(lines_of("a\n\nb\n") == Numbered{{1, "a"}, {2, ""}, {3, "b"}});
    CHECK(lines_of("\n") == Numbered{{1, ""}});
    CHECK(lines_of("\n\n") == Numbered{{1, ""}, {2, ""}});
    CHECK(lines_of("a\n\n") == Numbered{{1, "a"}, {2, ""}});
}

TEST_CASE("an empty text has no lines", "[text_lines]") {
    TextLines lines("");
    CHECK_FALSE(lines.next());
    CHECK_FALSE(lines.next());
}

TEST_CASE("a line views the text it was cut from", "[text_lines]") {
    const std::string text = "first\nsecond";
    TextLines lines(text);
    const auto first = lines.next();
    REQUIRE(first);
    CHECK(first->text.data() == text.data());
    const auto second = lines.next();
    REQUIRE(second);
    CHECK(second->text.data() == text.data() + 6);
    CHECK_FALSE(lines.next());
}
