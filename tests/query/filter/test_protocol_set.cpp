#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "filter/protocol_set.hpp"
#include "tools/usage_error.hpp"

using flowquery::ProtocolSet;
using flowquery::ServiceNames;
using flowquery::UsageError;

namespace {

const ServiceNames& names() {
    static const ServiceNames fixture =
        ServiceNames::load(std::filesystem::path(FLOWKEEP_TEST_DATA) / "query" / "services",
                           std::filesystem::path(FLOWKEEP_TEST_DATA) / "query" / "protocols");
    return fixture;
}

std::string parse_error(const std::string& list) {
    try {
        ProtocolSet::parse(list, "--proto", names());
    } catch (const UsageError& e) {
        return e.what();
    }
    return "(accepted)";
}

std::vector<unsigned> members(const ProtocolSet& set) {
    std::vector<unsigned> protocols;
    for (unsigned p = 0; p <= 255; ++p)
        if (set.contains(static_cast<std::uint8_t>(p))) protocols.push_back(p);
    return protocols;
}

}  // namespace

TEST_CASE("protocols by number and by name in any case") {
    CHECK(members(ProtocolSet::parse("6", "--proto", names())) == std::vector<unsigned>{6});
    CHECK(members(ProtocolSet::parse("tcp,UDP, 47", "--proto", names())) ==
          std::vector<unsigned>{6, 17, 47});
    CHECK(members(ProtocolSet::parse("0,255", "--proto", names())) ==
          std::vector<unsigned>{0, 255});
    CHECK(members(ProtocolSet::parse("icmpv6", "--proto", names())) == std::vector<unsigned>{58});
    CHECK_FALSE(ProtocolSet::parse("tcp", "--proto", names()).contains_everything());
}

TEST_CASE("bad protocols name the option and the item") {
    CHECK(parse_error("300") == "--proto: bad protocol number '300'");
    CHECK(parse_error("256") == "--proto: bad protocol number '256'");
    CHECK(parse_error("99999999999") == "--proto: bad protocol number '99999999999'");
    CHECK(parse_error("tcpx") == "--proto: unknown protocol 'tcpx'");
    CHECK(parse_error("6x") == "--proto: unknown protocol '6x'");
    CHECK(parse_error("-1") == "--proto: unknown protocol '-1'");
    CHECK(parse_error("tcp,") == "--proto: empty item in list 'tcp,'");
}

TEST_CASE("without a protocols file only numbers work") {
    const ServiceNames none;
    CHECK(members(ProtocolSet::parse("6", "--proto", none)) == std::vector<unsigned>{6});
    CHECK_THROWS_WITH(ProtocolSet::parse("tcp", "--proto", none),
                      "--proto: unknown protocol 'tcp'");
}
