#include "golden_cases.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace flowkeep_compat {

namespace fs = std::filesystem;

namespace {

bool is_flow_file(const fs::path& p) {
    const std::string name = p.filename().string();
    return name.starts_with("ft-") || name.starts_with("tmp-") || p.extension() == ".ft";
}

std::optional<fs::path> if_exists(const fs::path& p) {
    return fs::exists(p) ? std::optional<fs::path>(p) : std::nullopt;
}

// Where the golden set keeps a file's outputs depends on the case family;
// these rules mirror its CASE.md files.
GoldenCase pair_with_goldens(const fs::path& file) {
    GoldenCase c;
    c.flow_file = file;
    c.id = fs::relative(file, data_dir()).generic_string();
    const fs::path dir = file.parent_path();
    const std::string name = file.filename().string();

    auto use = [&c](const fs::path& header, const fs::path& csv_stem) {
        c.header_txt = header;
        c.export_csv = if_exists(csv_stem.string() + ".export_f2.csv");
        c.export_stderr = if_exists(csv_stem.string() + ".export_f2.stderr");
    };

    if (dir.filename() == "final") {
        // incomplete/: the finished ft- file a tmp- copy or a damaged file came from.
        const fs::path base = dir.parent_path();
        use(fs::exists(base / "final.header.txt") ? base / "final.header.txt"
                                                  : base / "orig.header.txt",
            base / "orig");
    } else if (dir.filename() == "in" && dir.parent_path().filename() == "stream") {
        // stream/in/: the flow-cat inputs, their headers concatenated by `head`.
        c.header_txt = dir.parent_path() / "in.headers.txt";
        c.header_section = "in/" + name;
    } else if (name.starts_with("tmp-")) {
        use(dir / "tmp.header.txt", dir / "tmp");
    } else if (file.extension() == ".ft") {
        use(dir / (file.stem().string() + ".header.txt"), dir / file.stem());
    } else if (fs::exists(dir / "damaged.header.txt")) {
        use(dir / "damaged.header.txt", dir / "damaged");
    } else {
        c.header_txt = dir / "header.txt";
        c.export_csv = if_exists(dir / "export_f2.csv");
        c.export_stderr = if_exists(dir / "export_f2.stderr");
    }
    if (!fs::exists(c.header_txt))
        throw std::runtime_error(c.id + ": no flow-header golden at " + c.header_txt.string());
    return c;
}

}  // namespace

fs::path data_dir() {
    return fs::path(FLOWKEEP_TEST_DATA);
}

std::vector<GoldenCase> golden_cases(std::string_view family) {
    std::vector<fs::path> files;
    for (const auto& e : fs::recursive_directory_iterator(data_dir() / family))
        if (e.is_regular_file() && is_flow_file(e.path())) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    std::vector<GoldenCase> cases;
    for (const auto& f : files) cases.push_back(pair_with_goldens(f));
    return cases;
}

std::string read_text(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + p.string());
    return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string golden_header_text(const GoldenCase& c) {
    const std::string all = read_text(c.header_txt);
    if (c.header_section.empty()) return all;
    const std::string marker = "==> " + c.header_section + " <==\n";
    const std::size_t at = all.find(marker);
    if (at == std::string::npos)
        throw std::runtime_error(c.id + ": no block " + c.header_section + " in " +
                                 c.header_txt.string());
    const std::size_t begin = at + marker.size();
    const std::size_t next = all.find("\n==> ", begin);
    return all.substr(begin, next == std::string::npos ? std::string::npos : next + 1 - begin);
}

std::optional<std::uint64_t> golden_exported_count(const GoldenCase& c) {
    if (!c.export_stderr) return std::nullopt;
    const std::string text = read_text(*c.export_stderr);
    const std::string key = ": Exported ";
    const std::size_t at = text.rfind(key);
    if (at == std::string::npos) return std::nullopt;
    return std::stoull(text.substr(at + key.size()));
}

}  // namespace flowkeep_compat
