#include "template_store.hpp"

#include <utility>

#include "exporter_address.hpp"

namespace capture {

std::size_t Template::min_record_length() const {
    std::size_t n = 0;
    for (const TemplateField& f : fields) n += f.length == variable_field_length ? 1 : f.length;
    return n;
}

bool Template::has_variable_fields() const {
    for (const TemplateField& f : fields)
        if (f.length == variable_field_length) return true;
    return false;
}

std::size_t TemplateStore::template_bytes(const Template& t) {
    // The fields and a fixed allowance for the entry and its map node, so
    // that a flood of empty-looking templates still adds up.
    return t.fields.size() * sizeof(TemplateField) + 64;
}

std::size_t TemplateStore::ScopeHash::operator()(const TemplateScope& s) const noexcept {
    // Spoofed sources choose address, port and domain freely: mix all bits.
    std::uint64_t h = (std::uint64_t{s.exporter_ip} << 32) | s.domain;
    h ^= (std::uint64_t{s.exporter_port} << 16 | s.version) * 0x9E3779B97F4A7C15ull;
    h ^= ipv6_hash_bits(s.exporter_ipv6) * 0xD6E8FEB86659FD93ull;
    h ^= h >> 33;
    h *= 0xFF51AFD7ED558CCDull;
    h ^= h >> 33;
    return static_cast<std::size_t>(h);
}

TemplateStore::TemplateStore(TemplateLimits limits) : limits_(limits) {}

bool TemplateStore::expired(const Entry& e, std::int64_t now) const {
    return limits_.lifetime_seconds > 0 && now - e.announced > limits_.lifetime_seconds;
}

TemplateScope TemplateStore::session_of(const TemplateScope& s) {
    TemplateScope session = s;
    session.domain = 0;
    return session;
}

void TemplateStore::drop_scope(
    std::unordered_map<TemplateScope, Templates, ScopeHash>::iterator scope) {
    const auto d = domains_.find(session_of(scope->first));
    if (d != domains_.end() && --d->second == 0) domains_.erase(d);
    scopes_.erase(scope);
}

TemplateStore::Templates::iterator TemplateStore::forget(Templates& scope,
                                                         Templates::iterator entry) {
    bytes_ -= template_bytes(entry->second.layout);
    --templates_;
    return scope.erase(entry);
}

void TemplateStore::erase(std::unordered_map<TemplateScope, Templates, ScopeHash>::iterator scope,
                          Templates::iterator entry) {
    forget(scope->second, entry);
    // An empty scope would hold a place under max_scopes for nothing.
    if (scope->second.empty()) drop_scope(scope);
}

TemplateOutcome TemplateStore::define(const TemplateScope& scope, std::uint16_t id, Template t,
                                      std::int64_t now) {
    const std::size_t size = template_bytes(t);
    auto s = scopes_.find(scope);
    if (s != scopes_.end()) {
        const auto e = s->second.find(id);
        if (e != s->second.end()) {
            if (e->second.layout == t) {
                e->second.announced = now;
                return TemplateOutcome::refreshed;
            }
            const std::size_t old_size = template_bytes(e->second.layout);
            if (bytes_ - old_size + size > limits_.max_total_bytes) {
                // The exporter has moved on to the new layout: keeping the
                // old one would cut its records at the wrong places.
                erase(s, e);
                return TemplateOutcome::byte_limit;
            }
            bytes_ = bytes_ - old_size + size;
            e->second = Entry{std::move(t), now};
            return TemplateOutcome::redefined;
        }
        if (s->second.size() >= limits_.max_templates_per_scope)
            return TemplateOutcome::count_limit;
    } else if (scopes_.size() >= limits_.max_scopes) {
        return TemplateOutcome::scope_limit;
    } else if (const auto d = domains_.find(session_of(scope));
               d != domains_.end() && d->second >= limits_.max_domains_per_exporter) {
        return TemplateOutcome::domain_limit;
    }
    if (bytes_ + size > limits_.max_total_bytes) return TemplateOutcome::byte_limit;
    if (s == scopes_.end()) {
        s = scopes_.emplace(scope, Templates{}).first;
        ++domains_[session_of(scope)];
    }
    s->second.emplace(id, Entry{std::move(t), now});
    bytes_ += size;
    ++templates_;
    return TemplateOutcome::added;
}

const Template* TemplateStore::find(const TemplateScope& scope, std::uint16_t id,
                                    std::int64_t now) {
    const auto s = scopes_.find(scope);
    if (s == scopes_.end()) return nullptr;
    const auto e = s->second.find(id);
    if (e == s->second.end()) return nullptr;
    if (expired(e->second, now)) {
        erase(s, e);
        return nullptr;
    }
    return &e->second.layout;
}

std::size_t TemplateStore::withdraw(const TemplateScope& scope, std::uint16_t id) {
    const auto s = scopes_.find(scope);
    if (s == scopes_.end()) return 0;
    const auto e = s->second.find(id);
    if (e == s->second.end()) return 0;
    erase(s, e);
    return 1;
}

std::size_t TemplateStore::withdraw_all(const TemplateScope& scope, bool options) {
    auto s = scopes_.find(scope);
    if (s == scopes_.end()) return 0;
    std::size_t n = 0;
    for (auto e = s->second.begin(); e != s->second.end();) {
        if (e->second.layout.options != options) {
            ++e;
            continue;
        }
        e = forget(s->second, e);
        ++n;
    }
    if (s->second.empty()) drop_scope(s);
    return n;
}

std::size_t TemplateStore::expire(std::int64_t now) {
    if (limits_.lifetime_seconds <= 0) return 0;
    std::size_t n = 0;
    for (auto s = scopes_.begin(); s != scopes_.end();) {
        for (auto e = s->second.begin(); e != s->second.end();) {
            if (!expired(e->second, now)) {
                ++e;
                continue;
            }
            e = forget(s->second, e);
            ++n;
        }
        if (s->second.empty())
            drop_scope(s++);
        else
            ++s;
    }
    return n;
}

}  // namespace capture
