#include "template_sets.hpp"

#include <optional>
#include <string>

#include "exporters/exporter_address.hpp"
#include "pdu_bytes.hpp"
#include "stored_fit6.hpp"

namespace capture::pdu {

namespace {

constexpr std::size_t set_header_size = 4;

void note(std::string& first, std::string problem) {
    if (first.empty()) first = std::move(problem);
}

std::size_t sets_end(std::span<const std::uint8_t> pdu, const TemplateDialect& d) {
    return d.ipfix ? be16(pdu.data() + 2) : pdu.size();
}

// Reads the field specifiers of one template record; returns the bytes they
// took, or 0 when they run past `end` or are not usable.
std::size_t read_fields(const std::uint8_t* p, const std::uint8_t* end, std::size_t count,
                        bool ipfix, Template& t, std::string& why) {
    const std::uint8_t* start = p;
    t.fields.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        if (end - p < 4) {
            why = "its field count runs past the set";
            return 0;
        }
        TemplateField f;
        f.id = be16(p);
        f.length = be16(p + 2);
        p += 4;
        if (ipfix && (f.id & 0x8000u) != 0) {
            if (end - p < 4) {
                why = "its field count runs past the set";
                return 0;
            }
            f.id &= 0x7fffu;
            f.enterprise = be32(p);
            p += 4;
        }
        if (f.length == 0) {
            why = "field " + std::to_string(f.id) + " has length 0";
            return 0;
        }
        if (!ipfix && f.length == variable_field_length) {
            why = "field " + std::to_string(f.id) + " has length 65535";
            return 0;
        }
        t.fields.push_back(f);
    }
    return static_cast<std::size_t>(p - start);
}

struct SetReader {
    const TemplateDialect& dialect;
    TemplateStore& store;
    const TemplateScope& scope;
    std::int64_t now;
    TemplateDecodeCounts& counts;

    void define(std::uint16_t id, Template t) {
        const bool options = t.options;
        const TemplateOutcome o = store.define(scope, id, std::move(t), now);
        if (!accepted(o)) {
            ++counts.refused_templates;
            note(counts.template_problem,
                 "template " + std::to_string(id) + " refused: " +
                     (o == TemplateOutcome::byte_limit     ? "template memory limit reached"
                      : o == TemplateOutcome::count_limit  ? "too many templates in domain"
                      : o == TemplateOutcome::domain_limit ? "too many domains for this exporter"
                                                           : "too many exporter domains"));
            return;
        }
        ++(options ? counts.options_templates : counts.templates);
    }

    void malformed(std::uint16_t id, const std::string& why) {
        ++counts.malformed_templates;
        note(counts.template_problem, "template " + std::to_string(id) + " refused: " + why);
    }

    // Template and options template sets; a malformed record ends the set,
    // since the next record's start is then unknown.
    void templates(const std::uint8_t* p, const std::uint8_t* end, bool options) {
        while (end - p >= 4) {
            const std::uint16_t id = be16(p);
            const std::uint16_t second = be16(p + 2);
            if (!dialect.ipfix && id == 0 && second == 0) return;  // v9 padding
            p += 4;
            if (dialect.ipfix && second == 0) {
                // RFC 7011 §8.1: a record without fields withdraws its
                // template, or with the set's own ID every one of the kind.
                counts.withdrawn += id == (options ? dialect.options_set : dialect.template_set)
                                        ? store.withdraw_all(scope, options)
                                        : store.withdraw(scope, id);
                continue;
            }
            if (id < first_data_set) {
                malformed(id, "template ID below 256");
                return;
            }
            Template t;
            t.options = options;
            std::size_t count = second;
            std::size_t scope_fields = 0;
            if (options) {
                if (end - p < 2) {
                    malformed(id, "options template cut short");
                    return;
                }
                if (dialect.ipfix) {
                    scope_fields = be16(p);  // field count, scope field count
                    p += 2;
                    if (scope_fields == 0 || scope_fields > count) {
                        malformed(id, "scope field count " + std::to_string(scope_fields) + " of " +
                                          std::to_string(count) + " fields");
                        return;
                    }
                } else {
                    // v9: scope length and options length, in bytes.
                    const std::size_t option_bytes = be16(p);
                    p += 2;
                    if (second % 4 != 0 || option_bytes % 4 != 0) {
                        malformed(id, "scope or option length not a multiple of 4");
                        return;
                    }
                    scope_fields = second / 4;
                    count = scope_fields + option_bytes / 4;
                }
            } else if (count == 0) {
                malformed(id, "no fields");
                return;
            }
            std::string why;
            const std::size_t used = read_fields(p, end, count, dialect.ipfix, t, why);
            if (used == 0) {
                malformed(id, why);
                return;
            }
            p += used;
            t.scope_fields = static_cast<std::uint16_t>(scope_fields);
            define(id, std::move(t));
        }
    }

    // `first_record`, `first_record6`: where this datagram's records start,
    // for the budget both series share.
    void data(std::uint16_t id, const std::uint8_t* p, const std::uint8_t* end,
              const ExportContext& context, std::vector<flowfile::Record>& out,
              std::size_t first_record, std::vector<flowfile::Record6>& out6,
              std::size_t first_record6) {
        const Template* t = store.find(scope, id, now);
        if (t == nullptr) {
            ++counts.no_template_sets;
            counts.no_template_bytes += static_cast<std::uint64_t>(end - p);
            if (counts.missing_template == 0) counts.missing_template = id;
            return;
        }
        const std::size_t min_length = t->min_record_length();
        const bool variable = t->has_variable_fields();
        const std::optional<FlowRecordPlan> plan = t->options ? std::nullopt : plan_flow_record(*t);
        // The rest of a set shorter than any record is padding.
        while (static_cast<std::size_t>(end - p) >= min_length) {
            if (t->options) {
                ExporterOptions options;
                const std::size_t used = read_options_record(*t, p, end, options);
                if (used == 0) return overrun(id);
                p += used;
                ++counts.options_records;
                if (options.sampling_interval != 0)
                    counts.sampling_interval = options.sampling_interval;
            } else {
                ExportedFlow flow;
                if (plan) {
                    read_planned_record(*plan, p, flow);
                    p += plan->record_length;
                } else {
                    const std::size_t used = read_flow_record(*t, !variable, p, end, flow);
                    if (used == 0) return overrun(id);
                    p += used;
                }
                ++counts.flow_records;
                const std::size_t stored = out.size() - first_record + out6.size() - first_record6;
                const std::size_t budget =
                    stored < max_records_per_datagram ? max_records_per_datagram - stored : 0;
                if (flow.ip_version == 6)
                    fit_to_stored6(flow, context, out6, counts.fit, budget);
                else
                    fit_to_stored(flow, context, out, counts.fit, budget);
            }
        }
    }

    void overrun(std::uint16_t id) {
        ++counts.malformed_sets;
        note(counts.set_problem, "data set " + std::to_string(id) + ": a record runs past the set");
    }
};

}  // namespace

bool TemplateSetFamily::verify_sets(std::span<const std::uint8_t> pdu, std::size_t end,
                                    std::string& why) const {
    std::size_t at = dialect_.header_size;
    while (end - at >= set_header_size) {
        const std::uint16_t id = be16(pdu.data() + at);
        const std::size_t length = be16(pdu.data() + at + 2);
        if (length < set_header_size) {
            why = "set " + std::to_string(id) + " at byte " + std::to_string(at) + " has length " +
                  std::to_string(length);
            return false;
        }
        if (length > end - at) {
            why = "set " + std::to_string(id) + " at byte " + std::to_string(at) +
                  " runs past the end (" + std::to_string(length) + " bytes, " +
                  std::to_string(end - at) + " left)";
            return false;
        }
        if (id != dialect_.template_set && id != dialect_.options_set && id < first_data_set) {
            why =
                "set ID " + std::to_string(id) + " at byte " + std::to_string(at) + " is reserved";
            return false;
        }
        at += length;
    }
    // IPFIX sets fill the message exactly; v9 exporters may pad the datagram.
    if (dialect_.ipfix && at != end) {
        why = std::to_string(end - at) + " bytes after the last set";
        return false;
    }
    return true;
}

TemplateDecodeCounts TemplateSetFamily::decode(std::span<const std::uint8_t> pdu,
                                               TemplateStore& templates, const TemplateScope& scope,
                                               std::int64_t now, std::uint16_t stored_version,
                                               std::vector<flowfile::Record>& out,
                                               std::vector<flowfile::Record6>& out6) const {
    TemplateDecodeCounts counts;
    const TemplatePduHeader h = header(pdu);
    ExportContext context;
    context.unix_secs = h.unix_secs;
    context.has_sysuptime = h.has_sysuptime;
    context.sysuptime = h.sysuptime;
    context.exporter = scope.exporter_ip;
    context.exporter_address = exporter_address(scope.exporter_ip, scope.exporter_ipv6);
    context.domain = h.domain;
    context.engine_from_domain = !dialect_.ipfix;
    context.stored_version = stored_version;

    SetReader reader{dialect_, templates, scope, now, counts};
    const std::size_t first = out.size();
    const std::size_t first6 = out6.size();
    const std::uint8_t* base = pdu.data();
    const std::size_t end = sets_end(pdu, dialect_);
    std::size_t at = dialect_.header_size;
    while (end - at >= set_header_size) {
        const std::uint16_t id = be16(base + at);
        const std::size_t length = be16(base + at + 2);
        const std::uint8_t* body = base + at + set_header_size;
        const std::uint8_t* body_end = base + at + length;
        if (id == dialect_.template_set)
            reader.templates(body, body_end, false);
        else if (id == dialect_.options_set)
            reader.templates(body, body_end, true);
        else
            reader.data(id, body, body_end, context, out, first, out6, first6);
        at += length;
    }
    return counts;
}

}  // namespace capture::pdu

namespace capture {

const TemplateFamily* find_template_family(std::uint16_t version) {
    switch (version) {
        case 9:
            return &pdu::netflow_v9_family();
        case 10:
            return &pdu::ipfix_family();
        default:
            return nullptr;
    }
}

}  // namespace capture
