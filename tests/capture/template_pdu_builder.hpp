#pragma once

// Builds NetFlow v9 (RFC 3954 §5) and IPFIX (RFC 7011 §3) datagrams byte by
// byte in network order, so that a test states a datagram by its sets and
// records and computes what it expects from the same values.  It only
// writes what it is told: set and message lengths are filled in from the
// bytes written unless a test overrides them to build hostile input.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "pdu_builder.hpp"

namespace flowkeep_test {

// One field specifier; an enterprise number makes it an IPFIX
// enterprise-specific field (E bit set, number after the length).
struct FieldSpec {
    std::uint16_t id = 0;
    std::uint16_t length = 0;
    std::uint32_t enterprise = 0;
};

inline constexpr std::uint16_t variable_length = 65535;

class TemplatePduBuilder {
  public:
    // RFC 3954 §5.1 header: version 9, count, sysUpTime, UNIX secs,
    // sequence number, source ID.
    static TemplatePduBuilder v9(std::uint32_t sysuptime, std::uint32_t unix_secs,
                                 std::uint32_t sequence, std::uint32_t source_id) {
        TemplatePduBuilder b(9);
        b.w_.u16(9);
        b.w_.u16(0);  // count, patched by bytes()
        b.w_.u32(sysuptime);
        b.w_.u32(unix_secs);
        b.w_.u32(sequence);
        b.w_.u32(source_id);
        return b;
    }

    // RFC 7011 §3.1 header: version 10, length, export time, sequence
    // number, observation domain ID.
    static TemplatePduBuilder ipfix(std::uint32_t export_time, std::uint32_t sequence,
                                    std::uint32_t domain) {
        TemplatePduBuilder b(10);
        b.w_.u16(10);
        b.w_.u16(0);  // length, patched by bytes()
        b.w_.u32(export_time);
        b.w_.u32(sequence);
        b.w_.u32(domain);
        return b;
    }

    std::uint16_t template_set_id() const { return version_ == 9 ? 0 : 2; }
    std::uint16_t options_set_id() const { return version_ == 9 ? 1 : 3; }

    // A set header whose length is filled in by end_set().
    TemplatePduBuilder& begin_set(std::uint16_t id) {
        set_start_ = w_.bytes.size();
        w_.u16(id);
        w_.u16(0);
        return *this;
    }
    // `padding` zero bytes end the set; `length` replaces the true length.
    TemplatePduBuilder& end_set(std::size_t padding = 0,
                                std::optional<std::uint16_t> length = std::nullopt) {
        w_.zeros(padding);
        put16(set_start_ + 2,
              length.value_or(static_cast<std::uint16_t>(w_.bytes.size() - set_start_)));
        return *this;
    }

    TemplatePduBuilder& template_record(std::uint16_t id, const std::vector<FieldSpec>& fields) {
        ++records_;
        w_.u16(id);
        w_.u16(static_cast<unsigned>(fields.size()));
        for (const FieldSpec& f : fields) field(f);
        return *this;
    }

    // v9 (RFC 3954 §6.1): scope and option lengths in bytes; IPFIX (RFC 7011
    // §3.4.2.2): field count and scope field count.
    TemplatePduBuilder& options_template_record(std::uint16_t id,
                                                const std::vector<FieldSpec>& scope,
                                                const std::vector<FieldSpec>& options) {
        ++records_;
        w_.u16(id);
        if (version_ == 9) {
            w_.u16(static_cast<unsigned>(scope.size() * 4));
            w_.u16(static_cast<unsigned>(options.size() * 4));
        } else {
            w_.u16(static_cast<unsigned>(scope.size() + options.size()));
            w_.u16(static_cast<unsigned>(scope.size()));
        }
        for (const FieldSpec& f : scope) field(f);
        for (const FieldSpec& f : options) field(f);
        return *this;
    }

    // RFC 7011 §8.1: a template record with field count 0; the set's own ID
    // withdraws every template of its kind.
    TemplatePduBuilder& withdrawal(std::uint16_t id) {
        w_.u16(id);
        w_.u16(0);
        return *this;
    }

    // Starts a data record (only counts it for the v9 header's count).
    TemplatePduBuilder& record() {
        ++records_;
        return *this;
    }
    TemplatePduBuilder& u8(unsigned v) {
        w_.u8(v);
        return *this;
    }
    TemplatePduBuilder& u16(unsigned v) {
        w_.u16(v);
        return *this;
    }
    TemplatePduBuilder& u32(std::uint32_t v) {
        w_.u32(v);
        return *this;
    }
    TemplatePduBuilder& u64(std::uint64_t v) {
        w_.u32(static_cast<std::uint32_t>(v >> 32));
        w_.u32(static_cast<std::uint32_t>(v));
        return *this;
    }
    TemplatePduBuilder& raw(const std::vector<std::uint8_t>& bytes) {
        w_.bytes.insert(w_.bytes.end(), bytes.begin(), bytes.end());
        return *this;
    }
    TemplatePduBuilder& zeros(std::size_t n) {
        w_.zeros(n);
        return *this;
    }
    // RFC 7011 §7: a variable-length value, its length in one byte below
    // 255, else 255 and two bytes (which `long_form` forces).
    TemplatePduBuilder& varlen(const std::vector<std::uint8_t>& value, bool long_form = false) {
        if (value.size() < 255 && !long_form) {
            w_.u8(static_cast<unsigned>(value.size()));
        } else {
            w_.u8(255);
            w_.u16(static_cast<unsigned>(value.size()));
        }
        return raw(value);
    }

    std::size_t size() const { return w_.bytes.size(); }

    // The datagram: v9 count = records written, IPFIX length = bytes
    // written, unless given.
    std::vector<std::uint8_t> bytes(std::optional<std::uint16_t> count_or_length = std::nullopt) {
        std::vector<std::uint8_t> out = w_.bytes;
        const std::size_t v = count_or_length.value_or(
            static_cast<std::uint16_t>(version_ == 9 ? records_ : out.size()));
        out[2] = static_cast<std::uint8_t>(v >> 8);
        out[3] = static_cast<std::uint8_t>(v);
        return out;
    }

  private:
    explicit TemplatePduBuilder(std::uint16_t version) : version_(version) {}

    void field(const FieldSpec& f) {
        w_.u16(f.enterprise != 0 ? (f.id | 0x8000u) : f.id);
        w_.u16(f.length);
        if (f.enterprise != 0) w_.u32(f.enterprise);
    }
    void put16(std::size_t at, std::uint16_t v) {
        w_.bytes[at] = static_cast<std::uint8_t>(v >> 8);
        w_.bytes[at + 1] = static_cast<std::uint8_t>(v);
    }

    std::uint16_t version_;
    ByteWriter w_;
    std::size_t set_start_ = 0;
    std::size_t records_ = 0;
};

}  // namespace flowkeep_test
