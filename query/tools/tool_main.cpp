#include "tools/tool_main.hpp"

#include <iostream>

#include "flowfile/error.hpp"
#include "flowfile/reader.hpp"
#include "output/output_buffer.hpp"
#include "tools/usage_error.hpp"

namespace flowquery {

std::string version_text(std::string_view program, std::string_view version) {
    return std::string(program) + " (flowkeep) " + std::string(version) + "\ncompressed files: " +
           (flowfile::fast_inflate_available()
                ? "libdeflate, zlib for damaged and unfinished files"
                : "zlib only (build with libdeflate-dev to read them twice as fast)");
}

int run_query_tool(std::string_view program, CLI::App& app, int argc, char** argv,
                   const std::function<int()>& work) {
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::cerr << program << ": " << e.what() << " (see --help)\n";
        return 2;
    }
    try {
        return work();
    } catch (const UsageError& e) {
        std::cerr << program << ": " << e.what() << '\n';
        return 2;
    } catch (const OutputError& e) {
        if (!e.broken_pipe()) std::cerr << program << ": " << e.what() << '\n';
        return 1;
    } catch (const flowfile::Error& e) {
        std::cerr << program << ": " << e.what() << '\n';
        return 1;
    } catch (const std::bad_alloc&) {
        std::cerr << program << ": out of memory\n";
        return 1;
    }
}

}  // namespace flowquery
