// flow-capture's command line and flow-capture.conf lines over arbitrary
// text.  An OptionError is the expected answer to a bad line; any other
// exception, a crash or a sanitizer report is a finding.
//
// Input layout: one control byte, then text.  An even control byte parses
// the text as a flow-capture.conf; an odd one as a command line, one
// argument per line (so arguments may hold blanks and quotes).

#include <netdb.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "config/config_file.hpp"
#include "config/options.hpp"
#include "fuzz_check.hpp"

using flowkeep_fuzz::check;

// A host name in the listen address would make the parser ask the resolver,
// and the fuzzer would send DNS queries off the machine at thousands per
// second.  This definition takes the place of the C library's in this
// program only: every name is unknown, which the parser must report as for
// any unresolvable name.
extern "C" int getaddrinfo(const char*, const char*, const addrinfo*, addrinfo** res) {
    *res = nullptr;
    return EAI_NONAME;
}

namespace {

void check_options(const capture::CaptureOptions& o) {
    if (o.request != capture::CaptureOptions::Request::capture) return;
    check(!o.work_dir.empty(), "a capture without a work directory");
    check(o.rotations >= 0 && o.rotations <= 1439, "rotations out of range");
    check(o.nesting >= -3 && o.nesting <= 3, "nesting out of range");
    check(o.stat_interval >= 0 && o.stat_interval <= 60, "stat interval out of range");
    check(o.compression_level >= -1 && o.compression_level <= 9, "compression level out of range");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const std::string_view text = flowkeep_fuzz::as_text(data + 1, size - 1);
    try {
        if (data[0] % 2 == 0) {
            for (const capture::ConfigLine& line :
                 capture::parse_config_text(text, "flow-capture.conf"))
                check_options(line.options);
        } else {
            std::vector<std::string> args;
            for (const std::string_view arg : flowkeep_fuzz::split(text, "\n"))
                args.emplace_back(arg);
            check_options(capture::parse_arguments(args));
        }
    } catch (const capture::OptionError& e) {
        check(*e.what() != '\0', "an empty option error");
    }
    return 0;
}
