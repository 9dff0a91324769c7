#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "exporters/template_store.hpp"

using capture::accepted;
using capture::Template;
using capture::TemplateField;
using capture::TemplateLimits;
using capture::TemplateOutcome;
using capture::TemplateScope;
using capture::TemplateStore;
using capture::variable_field_length;

namespace {

// A flow template of `n` 4-byte fields; `first_id` tells layouts apart.
Template layout(std::size_t n, std::uint16_t first_id = 1) {
    Template t;
    for (std::size_t i = 0; i < n; ++i)
        t.fields.push_back({static_cast<std::uint16_t>(first_id + i), 4, 0});
    return t;
}

Template options_layout(std::size_t n) {
    Template t = layout(n, 10);
    t.options = true;
    t.scope_fields = 1;
    return t;
}

constexpr std::uint32_t router = 0xc0000201;  // 192.0.2.1
const TemplateScope v9_scope{router, 2055, 9, 0};
const TemplateScope ipfix_scope{router, 4739, 10, 1};

TemplateScope with_domain(TemplateScope s, std::uint32_t domain) {
    s.domain = domain;
    return s;
}

}  // namespace

TEST_CASE("a template's minimum record length counts one byte per variable field",
          "[template_store]") {
    Template t;
    t.fields = {{1, 8, 0}, {2, 4, 0}, {82, variable_field_length, 0}, {4, 1, 0}};
    CHECK(t.min_record_length() == 8 + 4 + 1 + 1);
    CHECK(t.has_variable_fields());
    t.fields.erase(t.fields.begin() + 2);
    CHECK(t.min_record_length() == 8 + 4 + 1);
    CHECK_FALSE(t.has_variable_fields());
    CHECK(Template{}.min_record_length() == 0);
}

TEST_CASE("a defined template is found with its layout in its own scope", "[template_store]") {
    TemplateStore store;
    const Template t = layout(5);
    REQUIRE(store.define(v9_scope, 256, t, 1000) == TemplateOutcome::added);
    const Template* found = store.find(v9_scope, 256, 1000);
    REQUIRE(found != nullptr);
    CHECK(*found == t);
    CHECK(store.templates() == 1);
    CHECK(store.scopes() == 1);
    CHECK(store.bytes() == TemplateStore::template_bytes(t));
    CHECK(store.find(v9_scope, 257, 1000) == nullptr);
    CHECK(store.find(ipfix_scope, 256, 1000) == nullptr);
}

TEST_CASE("what a template counts grows with its fields", "[template_store]") {
    const std::size_t one = TemplateStore::template_bytes(layout(1));
    const std::size_t two = TemplateStore::template_bytes(layout(2));
    CHECK(two > one);
    CHECK(TemplateStore::template_bytes(layout(12)) - TemplateStore::template_bytes(layout(2)) ==
          10 * (two - one));
    // An empty template still costs something, or a flood of them is free.
    CHECK(TemplateStore::template_bytes(Template{}) > 0);
}

TEST_CASE("each part of the scope keeps its own template IDs", "[template_store]") {
    TemplateStore store;
    const std::vector<TemplateScope> scopes = {
        {router, 2055, 9, 0},  {router + 1, 2055, 9, 0},  // another exporter
        {router, 2056, 9, 0},                             // another session of the same address
        {router, 2055, 10, 0},                            // IPFIX from the same session
        {router, 2055, 9, 1},                             // another source ID
    };
    for (std::size_t i = 0; i < scopes.size(); ++i)
        REQUIRE(store.define(scopes[i], 256, layout(i + 1), 0) == TemplateOutcome::added);
    CHECK(store.templates() == scopes.size());
    CHECK(store.scopes() == scopes.size());
    for (std::size_t i = 0; i < scopes.size(); ++i) {
        const Template* found = store.find(scopes[i], 256, 0);
        REQUIRE(found != nullptr);
        CHECK(found->fields.size() == i + 1);
    }
}

TEST_CASE("the same layout again is a refresh that restarts its age", "[template_store]") {
    TemplateLimits limits;
    limits.lifetime_seconds = 100;
    TemplateStore store(limits);
    REQUIRE(store.define(v9_scope, 300, layout(3), 0) == TemplateOutcome::added);
    CHECK(store.define(v9_scope, 300, layout(3), 90) == TemplateOutcome::refreshed);
    CHECK(store.templates() == 1);
    CHECK(store.bytes() == TemplateStore::template_bytes(layout(3)));
    // Without the refresh it would have gone after second 100.
    CHECK(store.find(v9_scope, 300, 150) != nullptr);
    CHECK(store.find(v9_scope, 300, 190) != nullptr);
    CHECK(store.find(v9_scope, 300, 191) == nullptr);
}

TEST_CASE("another layout under the same ID replaces the old one", "[template_store]") {
    TemplateStore store;
    REQUIRE(store.define(ipfix_scope, 400, layout(2), 0) == TemplateOutcome::added);
    const Template wider = layout(7, 20);
    CHECK(store.define(ipfix_scope, 400, wider, 5) == TemplateOutcome::redefined);
    const Template* found = store.find(ipfix_scope, 400, 5);
    REQUIRE(found != nullptr);
    CHECK(*found == wider);
    CHECK(store.templates() == 1);
    CHECK(store.bytes() == TemplateStore::template_bytes(wider));

    // A flow template becoming an options template is a redefinition too.
    CHECK(store.define(ipfix_scope, 400, options_layout(2), 6) == TemplateOutcome::redefined);
    CHECK(store.find(ipfix_scope, 400, 6)->options);
}

TEST_CASE("new scopes are refused past max_scopes until one empties", "[template_store]") {
    TemplateLimits limits;
    limits.max_scopes = 2;
    TemplateStore store(limits);
    const TemplateScope a{router, 2055, 9, 0}, b{router + 1, 2055, 9, 0}, c{router + 2, 2055, 9, 0};
    REQUIRE(store.define(a, 256, layout(1), 0) == TemplateOutcome::added);
    REQUIRE(store.define(b, 256, layout(1), 0) == TemplateOutcome::added);
    CHECK(store.define(c, 256, layout(1), 0) == TemplateOutcome::scope_limit);
    CHECK_FALSE(accepted(TemplateOutcome::scope_limit));
    CHECK(store.find(c, 256, 0) == nullptr);
    CHECK(store.scopes() == 2);
    CHECK(store.templates() == 2);
    // Known scopes still take new IDs.
    CHECK(store.define(a, 257, layout(2), 0) == TemplateOutcome::added);

    CHECK(store.withdraw(b, 256) == 1);
    CHECK(store.scopes() == 1);
    CHECK(store.define(c, 256, layout(1), 0) == TemplateOutcome::added);
}

TEST_CASE("one exporter session cannot take more than max_domains_per_exporter",
          "[template_store]") {
    TemplateLimits limits;
    limits.max_domains_per_exporter = 2;
    TemplateStore store(limits);
    REQUIRE(store.define(with_domain(v9_scope, 0), 256, layout(1), 0) == TemplateOutcome::added);
    REQUIRE(store.define(with_domain(v9_scope, 1), 256, layout(1), 0) == TemplateOutcome::added);
    CHECK(store.define(with_domain(v9_scope, 2), 256, layout(1), 0) ==
          TemplateOutcome::domain_limit);
    CHECK(store.find(with_domain(v9_scope, 2), 256, 0) == nullptr);

    // Other sessions have their own allowance: another port, another
    // address, another version.
    TemplateScope other_port = with_domain(v9_scope, 2);
    other_port.exporter_port = 2056;
    CHECK(store.define(other_port, 256, layout(1), 0) == TemplateOutcome::added);
    TemplateScope other_ip = with_domain(v9_scope, 2);
    other_ip.exporter_ip = router + 1;
    CHECK(store.define(other_ip, 256, layout(1), 0) == TemplateOutcome::added);
    TemplateScope other_version = with_domain(v9_scope, 2);
    other_version.version = 10;
    CHECK(store.define(other_version, 256, layout(1), 0) == TemplateOutcome::added);

    // A domain that empties gives its place back.
    CHECK(store.withdraw_all(with_domain(v9_scope, 1), false) == 1);
    CHECK(store.define(with_domain(v9_scope, 2), 256, layout(1), 0) == TemplateOutcome::added);
    CHECK(store.define(with_domain(v9_scope, 3), 256, layout(1), 0) ==
          TemplateOutcome::domain_limit);
}

TEST_CASE("a scope holds at most max_templates_per_scope templates", "[template_store]") {
    TemplateLimits limits;
    limits.max_templates_per_scope = 3;
    TemplateStore store(limits);
    for (std::uint16_t id = 256; id < 259; ++id)
        REQUIRE(store.define(v9_scope, id, layout(1), 0) == TemplateOutcome::added);
    CHECK(store.define(v9_scope, 259, layout(1), 0) == TemplateOutcome::count_limit);
    CHECK(store.find(v9_scope, 259, 0) == nullptr);
    CHECK(store.templates() == 3);
    // Known IDs are still refreshed and redefined.
    CHECK(store.define(v9_scope, 256, layout(1), 1) == TemplateOutcome::refreshed);
    CHECK(store.define(v9_scope, 257, layout(4), 1) == TemplateOutcome::redefined);
    // Other scopes are not affected.
    CHECK(store.define(ipfix_scope, 259, layout(1), 0) == TemplateOutcome::added);

    CHECK(store.withdraw(v9_scope, 258) == 1);
    CHECK(store.define(v9_scope, 259, layout(1), 2) == TemplateOutcome::added);
}

TEST_CASE("max_total_bytes bounds all templates together", "[template_store]") {
    const Template small = layout(2);
    TemplateLimits limits;
    limits.max_total_bytes = 2 * TemplateStore::template_bytes(small);
    TemplateStore store(limits);
    REQUIRE(store.define(v9_scope, 256, small, 0) == TemplateOutcome::added);
    REQUIRE(store.define(ipfix_scope, 256, small, 0) == TemplateOutcome::added);
    CHECK(store.bytes() == limits.max_total_bytes);
    CHECK(store.define(v9_scope, 257, small, 0) == TemplateOutcome::byte_limit);
    CHECK(store.define(with_domain(v9_scope, 9), 256, small, 0) == TemplateOutcome::byte_limit);
    CHECK(store.templates() == 2);
    CHECK(store.scopes() == 2);
    CHECK(store.bytes() == limits.max_total_bytes);

    // A same-size redefinition fits; the layouts differ only in IDs.
    CHECK(store.define(v9_scope, 256, layout(2, 50), 1) == TemplateOutcome::redefined);
    CHECK(store.bytes() == limits.max_total_bytes);
    // A smaller one too, and it frees what it no longer takes.
    CHECK(store.define(ipfix_scope, 256, layout(1), 1) == TemplateOutcome::redefined);
    CHECK(store.bytes() ==
          TemplateStore::template_bytes(small) + TemplateStore::template_bytes(layout(1)));
}

TEST_CASE("a refused redefinition does not leave the old layout to misread data",
          "[template_store]") {
    const Template small = layout(2);
    TemplateLimits limits;
    limits.max_total_bytes = TemplateStore::template_bytes(small);
    TemplateStore store(limits);
    REQUIRE(store.define(v9_scope, 256, small, 0) == TemplateOutcome::added);
    // The exporter now sends records of the wider layout under ID 256: the
    // old layout would cut them at the wrong places.
    CHECK(store.define(v9_scope, 256, layout(3), 1) == TemplateOutcome::byte_limit);
    CHECK(store.find(v9_scope, 256, 1) == nullptr);
    CHECK(store.templates() == 0);
    CHECK(store.bytes() == 0);
    CHECK(store.scopes() == 0);
}

TEST_CASE("find drops a template once its lifetime has passed", "[template_store]") {
    TemplateLimits limits;
    limits.lifetime_seconds = 1800;
    TemplateStore store(limits);
    REQUIRE(store.define(v9_scope, 256, layout(3), 10'000) == TemplateOutcome::added);
    CHECK(store.find(v9_scope, 256, 10'000 + 1800) != nullptr);
    CHECK(store.find(v9_scope, 256, 10'000 + 1801) == nullptr);
    CHECK(store.templates() == 0);
    CHECK(store.bytes() == 0);
    CHECK(store.scopes() == 0);
    // Gone, not just hidden: an earlier time does not bring it back.
    CHECK(store.find(v9_scope, 256, 10'000) == nullptr);
}

TEST_CASE("a lifetime of 0 keeps templates until withdrawn", "[template_store]") {
    TemplateLimits limits;
    limits.lifetime_seconds = 0;
    TemplateStore store(limits);
    REQUIRE(store.define(v9_scope, 256, layout(3), 0) == TemplateOutcome::added);
    const std::int64_t ten_years = 10LL * 365 * 86400;
    CHECK(store.find(v9_scope, 256, ten_years) != nullptr);
    CHECK(store.expire(ten_years) == 0);
    CHECK(store.templates() == 1);
}

TEST_CASE("expire removes exactly the templates past their lifetime", "[template_store]") {
    TemplateLimits limits;
    limits.lifetime_seconds = 100;
    limits.max_domains_per_exporter = 2;
    TemplateStore store(limits);
    const TemplateScope d0 = with_domain(v9_scope, 0), d1 = with_domain(v9_scope, 1);
    REQUIRE(store.define(d0, 256, layout(1), 0) == TemplateOutcome::added);
    REQUIRE(store.define(d0, 257, layout(2), 50) == TemplateOutcome::added);
    REQUIRE(store.define(d1, 256, layout(3), 0) == TemplateOutcome::added);
    REQUIRE(store.define(ipfix_scope, 256, layout(4), 20) == TemplateOutcome::added);
    CHECK(store.define(with_domain(v9_scope, 2), 256, layout(1), 0) ==
          TemplateOutcome::domain_limit);

    CHECK(store.expire(100) == 0);
    CHECK(store.expire(101) == 2);  // d0's 256 and d1's 256
    CHECK(store.templates() == 2);
    CHECK(store.scopes() == 2);  // d1 emptied
    CHECK(store.bytes() ==
          TemplateStore::template_bytes(layout(2)) + TemplateStore::template_bytes(layout(4)));
    CHECK(store.find(d0, 257, 101) != nullptr);
    CHECK(store.find(d0, 256, 101) == nullptr);
    CHECK(store.find(ipfix_scope, 256, 101) != nullptr);
    // d1's place under max_domains_per_exporter is free again.
    CHECK(store.define(with_domain(v9_scope, 2), 256, layout(1), 101) == TemplateOutcome::added);

    CHECK(store.expire(1000) == 3);
    CHECK(store.templates() == 0);
    CHECK(store.scopes() == 0);
    CHECK(store.bytes() == 0);
}

TEST_CASE("a template expired by find gives its domain place back", "[template_store]") {
    TemplateLimits limits;
    limits.lifetime_seconds = 10;
    limits.max_domains_per_exporter = 1;
    TemplateStore store(limits);
    REQUIRE(store.define(with_domain(v9_scope, 0), 256, layout(1), 0) == TemplateOutcome::added);
    CHECK(store.define(with_domain(v9_scope, 1), 256, layout(1), 0) ==
          TemplateOutcome::domain_limit);
    CHECK(store.find(with_domain(v9_scope, 0), 256, 11) == nullptr);
    CHECK(store.define(with_domain(v9_scope, 1), 256, layout(1), 11) == TemplateOutcome::added);
}

TEST_CASE("withdrawing one template ID", "[template_store]") {
    TemplateStore store;
    REQUIRE(store.define(ipfix_scope, 256, layout(1), 0) == TemplateOutcome::added);
    REQUIRE(store.define(ipfix_scope, 257, layout(2), 0) == TemplateOutcome::added);
    CHECK(store.withdraw(ipfix_scope, 258) == 0);
    CHECK(store.withdraw(with_domain(ipfix_scope, 77), 256) == 0);
    CHECK(store.templates() == 2);

    CHECK(store.withdraw(ipfix_scope, 256) == 1);
    CHECK(store.find(ipfix_scope, 256, 0) == nullptr);
    CHECK(store.find(ipfix_scope, 257, 0) != nullptr);
    CHECK(store.bytes() == TemplateStore::template_bytes(layout(2)));
    CHECK(store.withdraw(ipfix_scope, 256) == 0);

    CHECK(store.withdraw(ipfix_scope, 257) == 1);
    CHECK(store.templates() == 0);
    CHECK(store.scopes() == 0);
    CHECK(store.bytes() == 0);
}

TEST_CASE("withdrawing all templates keeps the other kind", "[template_store]") {
    TemplateStore store;
    REQUIRE(store.define(ipfix_scope, 256, layout(1), 0) == TemplateOutcome::added);
    REQUIRE(store.define(ipfix_scope, 257, layout(2), 0) == TemplateOutcome::added);
    REQUIRE(store.define(ipfix_scope, 258, options_layout(3), 0) == TemplateOutcome::added);
    REQUIRE(store.define(with_domain(ipfix_scope, 2), 256, layout(1), 0) == TemplateOutcome::added);

    SECTION("flow templates") {
        CHECK(store.withdraw_all(ipfix_scope, false) == 2);
        CHECK(store.find(ipfix_scope, 256, 0) == nullptr);
        CHECK(store.find(ipfix_scope, 257, 0) == nullptr);
        CHECK(store.find(ipfix_scope, 258, 0) != nullptr);
        CHECK(store.withdraw_all(ipfix_scope, false) == 0);
        CHECK(store.scopes() == 2);
        CHECK(store.bytes() == TemplateStore::template_bytes(options_layout(3)) +
                                   TemplateStore::template_bytes(layout(1)));
    }
    SECTION("options templates") {
        CHECK(store.withdraw_all(ipfix_scope, true) == 1);
        CHECK(store.find(ipfix_scope, 258, 0) == nullptr);
        CHECK(store.find(ipfix_scope, 256, 0) != nullptr);
        CHECK(store.find(ipfix_scope, 257, 0) != nullptr);
        CHECK(store.templates() == 3);
    }
    SECTION("both kinds empty the scope") {
        CHECK(store.withdraw_all(ipfix_scope, true) == 1);
        CHECK(store.withdraw_all(ipfix_scope, false) == 2);
        CHECK(store.scopes() == 1);
        CHECK(store.templates() == 1);
        CHECK(store.bytes() == TemplateStore::template_bytes(layout(1)));
    }
    // Another domain's templates are never touched.
    CHECK(store.find(with_domain(ipfix_scope, 2), 256, 0) != nullptr);
    CHECK(store.withdraw_all(with_domain(ipfix_scope, 99), false) == 0);
}

TEST_CASE("a refused definition changes nothing", "[template_store]") {
    TemplateLimits limits;
    limits.max_templates_per_scope = 1;
    TemplateStore store(limits);
    REQUIRE(store.define(v9_scope, 256, layout(1), 0) == TemplateOutcome::added);
    const std::size_t bytes = store.bytes();
    CHECK(store.define(v9_scope, 257, layout(9), 0) == TemplateOutcome::count_limit);
    CHECK(store.bytes() == bytes);
    CHECK(store.templates() == 1);
    CHECK(*store.find(v9_scope, 256, 0) == layout(1));
}

TEST_CASE("only added, refreshed and redefined are accepted", "[template_store]") {
    CHECK(accepted(TemplateOutcome::added));
    CHECK(accepted(TemplateOutcome::refreshed));
    CHECK(accepted(TemplateOutcome::redefined));
    CHECK_FALSE(accepted(TemplateOutcome::scope_limit));
    CHECK_FALSE(accepted(TemplateOutcome::domain_limit));
    CHECK_FALSE(accepted(TemplateOutcome::count_limit));
    CHECK_FALSE(accepted(TemplateOutcome::byte_limit));
}

TEST_CASE("two IPv6 exporters keep their own templates and domain allowance",
          "[template_store][ipv6]") {
    TemplateLimits limits;
    limits.max_domains_per_exporter = 1;
    TemplateStore store(limits);
    // 2001:db8:e::1 and ::2: no IPv4 address (0), the same port, version,
    // domain and template ID.
    TemplateScope a{0, 4739, 10, 1};
    a.exporter_ipv6 = {0x20, 0x01, 0x0d, 0xb8, 0, 0x0e, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    TemplateScope b = a;
    b.exporter_ipv6[15] = 2;
    REQUIRE(store.define(a, 256, layout(2), 0) == TemplateOutcome::added);
    REQUIRE(store.define(b, 256, layout(3, 20), 0) == TemplateOutcome::added);
    CHECK(store.scopes() == 2);
    REQUIRE(store.find(a, 256, 0) != nullptr);
    REQUIRE(store.find(b, 256, 0) != nullptr);
    CHECK(*store.find(a, 256, 0) == layout(2));
    CHECK(*store.find(b, 256, 0) == layout(3, 20));
    // Neither is the IPv4 exporter 0.0.0.0 of the same session.
    CHECK(store.find(TemplateScope{0, 4739, 10, 1}, 256, 0) == nullptr);
    // Each session has its own domain allowance.
    CHECK(store.define(with_domain(a, 2), 256, layout(1), 0) == TemplateOutcome::domain_limit);
    CHECK(store.define(with_domain(b, 2), 256, layout(1), 0) == TemplateOutcome::domain_limit);
    CHECK(store.define(TemplateScope{0, 4739, 10, 2}, 256, layout(1), 0) == TemplateOutcome::added);
    // Withdrawing one's template leaves the other's.
    CHECK(store.withdraw(a, 256) == 1);
    CHECK(store.find(b, 256, 0) != nullptr);
    CHECK(store.define(with_domain(a, 2), 256, layout(1), 0) == TemplateOutcome::added);
}
