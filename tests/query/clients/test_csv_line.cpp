#include <catch2/catch.hpp>

#include "clients/csv_line.hpp"

using flowquery::CsvLineError;
using flowquery::split_csv_line;
using Fields = std::vector<std::string>;

namespace {

std::string csv_error(std::string_view line) {
    try {
        split_csv_line(line);
    } catch (const CsvLineError& e) {
        return e.what();
    }
    return "(accepted)";
}

}  // namespace

TEST_CASE("plain fields are split at commas, blanks around them dropped") {
    CHECK(split_csv_line("10.0.3.7,acct-1,cpe,,") == Fields{"10.0.3.7", "acct-1", "cpe", "", ""});
    CHECK(split_csv_line("  10.0.3.7 ,\tacct 1\t, cpe") == Fields{"10.0.3.7", "acct 1", "cpe"});
    CHECK(split_csv_line("") == Fields{""});
    CHECK(split_csv_line("a,") == Fields{"a", ""});
}

TEST_CASE("quoted fields keep commas, blanks and doubled quotes") {
    CHECK(split_csv_line(R"(1.2.3.4,"Example Ltd, branch 2","  dev ")") ==
          Fields{"1.2.3.4", "Example Ltd, branch 2", "  dev "});
    CHECK(split_csv_line(R"("say ""hi""",x)") == Fields{R"(say "hi")", "x"});
    CHECK(split_csv_line(R"("",x)") == Fields{"", "x"});
    CHECK(split_csv_line(R"( "a" , "b" )") == Fields{"a", "b"});
}

TEST_CASE("malformed quoting is reported with the field number") {
    CHECK(csv_error(R"(1.2.3.4,"acct)") == "unterminated quote in field 2");
    CHECK(csv_error(R"(1.2.3.4,"acct"x,dev)") == "text after the closing quote of field 2");
    CHECK(csv_error(R"(1.2.3.4,ac"ct)") ==
          "stray quote in field 2 (quote the whole field and double the quotes inside)");
}
