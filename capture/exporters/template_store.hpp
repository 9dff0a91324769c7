#pragma once

// The templates NetFlow v9 (RFC 3954) and IPFIX (RFC 7011) exporters announce,
// without which their data records are unreadable bytes.  A template belongs
// to one exporter's transport session (UDP source address and port), one
// source ID / observation domain, and one template ID: two routers, or two
// line cards of one router, reuse the same IDs for different layouts.  The
// store is its own unit, apart from the decoders, because its life differs:
// it outlives datagrams, expires by age, and must stay bounded when a flood of
// spoofed exporters or template IDs arrives.

#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "flowfile/ipv6_text.hpp"

namespace capture {

// One field of a template: which information element, how many bytes.
struct TemplateField {
    std::uint16_t id = 0;          // element ID, the IPFIX enterprise bit removed
    std::uint16_t length = 0;      // bytes; variable_field_length in IPFIX
    std::uint32_t enterprise = 0;  // 0: IANA's registry (and every v9 field)

    friend bool operator==(const TemplateField&, const TemplateField&) = default;
};

// RFC 7011 §7: a field length of 65535 means the record carries the length.
inline constexpr std::uint16_t variable_field_length = 65535;

struct Template {
    std::vector<TemplateField> fields;
    // Options templates: the first `scope_fields` fields are the scope (what
    // the options describe: an interface, the exporting process...).
    bool options = false;
    std::uint16_t scope_fields = 0;

    // The bytes one record takes at least: the fixed fields, one length byte
    // for each variable one.  Records are never shorter, so a set's padding
    // is whatever is left when fewer bytes remain.
    std::size_t min_record_length() const;
    bool has_variable_fields() const;

    friend bool operator==(const Template&, const Template&) = default;
};

// Whose template: the exporter's transport session and its domain.
struct TemplateScope {
    std::uint32_t exporter_ip = 0;    // host order; 0 for an IPv6 exporter
    std::uint16_t exporter_port = 0;  // UDP source port
    std::uint16_t version = 0;        // 9 or 10: the ID spaces are apart
    std::uint32_t domain = 0;         // v9 source ID, IPFIX observation domain
    // An IPv6 exporter's address; all zero for an IPv4 one
    // (exporter_address.hpp).
    flowfile::Ipv6Address exporter_ipv6{};

    friend bool operator==(const TemplateScope&, const TemplateScope&) = default;
};

struct TemplateLimits {
    // Exporter sessions times domains: more than any real network has, far
    // fewer than a spoofing flood can invent.
    std::size_t max_scopes = 4096;
    // Domains of one exporter session, so that one spoofed source cannot
    // take every scope; routers have one per line card at most.
    std::size_t max_domains_per_exporter = 256;
    // Per domain; a Cisco router with every Flexible NetFlow monitor has a
    // few dozen.
    std::size_t max_templates_per_scope = 512;
    // All templates together, counted as stored (see template_bytes()).
    std::size_t max_total_bytes = 16u << 20;
    // Seconds a template stays usable after it was last announced; 0 keeps
    // it until withdrawn or redefined.  RFC 7011 §8.4 makes a collector over
    // UDP expire templates the exporter no longer refreshes; RFC 3954 §9
    // leaves v9 to the same rule in practice.
    std::int64_t lifetime_seconds = 1800;
};

enum class TemplateOutcome : std::uint8_t {
    added,         // new ID in this scope
    refreshed,     // same layout announced again: its age restarts
    redefined,     // same ID, another layout: data from now on reads the new one
    scope_limit,   // refused: a new scope while max_scopes are known
    domain_limit,  // refused: the exporter has max_domains_per_exporter
    count_limit,   // refused: the scope has max_templates_per_scope
    byte_limit,    // refused: max_total_bytes would be passed
};

inline bool accepted(TemplateOutcome o) {
    return o == TemplateOutcome::added || o == TemplateOutcome::refreshed ||
           o == TemplateOutcome::redefined;
}

class TemplateStore {
  public:
    explicit TemplateStore(TemplateLimits limits = {});

    TemplateOutcome define(const TemplateScope& scope, std::uint16_t id, Template t,
                           std::int64_t now);

    // The template to read data set `id` with, or nullptr when it is unknown
    // or its lifetime has passed (it is then removed).
    const Template* find(const TemplateScope& scope, std::uint16_t id, std::int64_t now);

    // IPFIX withdrawal (RFC 7011 §8.1): one ID, or every template (options
    // or not) of the scope.  Return how many went.
    std::size_t withdraw(const TemplateScope& scope, std::uint16_t id);
    std::size_t withdraw_all(const TemplateScope& scope, bool options);

    // Removes every template whose lifetime has passed; returns how many.
    std::size_t expire(std::int64_t now);

    std::size_t templates() const { return templates_; }
    std::size_t bytes() const { return bytes_; }
    std::size_t scopes() const { return scopes_.size(); }
    const TemplateLimits& limits() const { return limits_; }

    // What one template counts against max_total_bytes.
    static std::size_t template_bytes(const Template& t);

  private:
    struct Entry {
        Template layout;
        std::int64_t announced = 0;
    };
    struct ScopeHash {
        std::size_t operator()(const TemplateScope& s) const noexcept;
    };
    using Templates = std::unordered_map<std::uint16_t, Entry>;

    bool expired(const Entry& e, std::int64_t now) const;
    // The exporter session a scope belongs to: the scope without its domain.
    static TemplateScope session_of(const TemplateScope& s);
    void drop_scope(std::unordered_map<TemplateScope, Templates, ScopeHash>::iterator scope);
    // Removes one template and its bytes; the scope stays, even if empty.
    Templates::iterator forget(Templates& scope, Templates::iterator entry);
    // Removes one template, and its scope once empty.
    void erase(std::unordered_map<TemplateScope, Templates, ScopeHash>::iterator scope,
               Templates::iterator entry);

    TemplateLimits limits_;
    std::unordered_map<TemplateScope, Templates, ScopeHash> scopes_;
    // Scopes per exporter session (address, port, version).
    std::unordered_map<TemplateScope, std::size_t, ScopeHash> domains_;
    std::size_t templates_ = 0;
    std::size_t bytes_ = 0;
};

}  // namespace capture
