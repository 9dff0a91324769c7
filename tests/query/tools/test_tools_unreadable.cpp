// An input that cannot be read is never an answer of "no traffic": with
// nothing read there is no answer at all, and an answer from some of the
// inputs says in its output that it is incomplete (where the format can).
#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "support/precondition.hpp"
#include "support/temp_dir.hpp"
#include "tools/run_tool.hpp"

using namespace flowkeep_test;

namespace {

const std::string data = FLOWKEEP_TEST_DATA;
const std::string good_file = data + "/files/v5_z0/ft-v05.2009-10-15.153110+0000";
const std::string select_bin = FLOW_SELECT_BIN;
const std::string csv_bin = FLOW_EXPORT_CSV_BIN;
const std::string stat_bin = FLOW_STAT_BIN;

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

std::size_t lines(const std::string& s) {
    return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n'));
}

struct Tools {
    std::string select = select_bin;
    std::string csv = csv_bin;
    std::string stat = stat_bin;
};

// Every tool and format on `inputs`: no output, exit 1, the reason and the
// "no answer" line on stderr.
void check_no_answer(const std::string& prefix, const std::string& inputs,
                     const std::string& reason, const Tools& t = {}) {
    for (const std::string& tool :
         {t.select, t.select + " -o stream", t.csv, t.csv + " --format flow-export", t.stat,
          t.stat + " --format csv", t.stat + " --format json", t.stat + " --by protocol",
          t.csv + " --sort start"}) {
        const std::string command = prefix + tool + " " + inputs;
        INFO(command);
        const auto run = run_shell(command);
        CHECK(run.status == 1);
        CHECK(run.out == "");  // not one byte on stdout
        CHECK(contains(run.err, reason));
        CHECK(contains(run.err, "no input could be read, so there is no answer"));
    }
}

// Runs commands as the user nobody, to whom files of mode 000 are
// unreadable.  That needs root: CI runs as root, so there a missing root is
// a failure; elsewhere the test is skipped with a warning.
bool can_run_as_nobody() {
    return flowkeep_test::running_as_root("running the tools as nobody (setpriv)");
}

const std::string as_nobody = "setpriv --reuid=65534 --regid=65534 --clear-groups ";

// A scratch directory nobody can enter, for copies of the good file, and
// copies of the tools that nobody can run wherever the build tree is.
struct ReadableScratch {
    TempDir dir;
    TempDir bin;
    Tools tools;
    ReadableScratch() {
        for (const TempDir* d : {&dir, &bin})
            std::filesystem::permissions(d->path(), std::filesystem::perms(0755));
        for (std::string* tool : {&tools.select, &tools.csv, &tools.stat}) {
            const auto to = bin / std::filesystem::path(*tool).filename().string();
            std::filesystem::copy_file(*tool, to);
            std::filesystem::permissions(to, std::filesystem::perms(0755));
            *tool = to.string();
        }
    }
    std::string copy(const std::string& name, std::filesystem::perms mode) {
        const auto to = dir / name;
        std::filesystem::copy_file(good_file, to);
        std::filesystem::permissions(to, mode);
        return to.string();
    }
};

}  // namespace

TEST_CASE("as a user who may not read the files: no answer, the reason, exit 1") {
    if (!can_run_as_nobody()) return;
    ReadableScratch scratch;
    const std::string locked = scratch.copy("ft-v05.2009-10-15.153110+0000", {});
    const Tools& t = scratch.tools;
    check_no_answer(as_nobody, shell_arg(locked), locked + ": cannot open: Permission denied", t);
    // The same file in an archive given with -w and as a directory.
    check_no_answer(as_nobody, "-w " + shell_arg(scratch.dir.path()), "Permission denied", t);
    check_no_answer(as_nobody, shell_arg(scratch.dir.path()), "Permission denied", t);
}

TEST_CASE("an archive directory the user may not list: no answer, exit 1 (not a usage error)") {
    if (!can_run_as_nobody()) return;
    ReadableScratch scratch;
    const auto archive = scratch.dir / "archive";
    std::filesystem::create_directory(archive);
    std::filesystem::permissions(archive, std::filesystem::perms::owner_all);
    check_no_answer(as_nobody, "-w " + shell_arg(archive), "Permission denied", scratch.tools);
}

TEST_CASE("inputs that are missing or not flow files: no answer, exit 1") {
    TempDir dir;
    std::filesystem::create_symlink(dir / "gone", dir / "dangling");
    std::ofstream(dir / "notes.txt") << "not a flow file\n";
    check_no_answer("", shell_arg(dir / "dangling") + " " + shell_arg(dir / "notes.txt"),
                    (dir / "dangling").string() + ": No such file or directory");
}

TEST_CASE("a missing file exits 1, as the man page says, and the others are still read") {
    const auto alone = run_shell(stat_bin + " /nonexistent/ft-v05");
    CHECK(alone.status == 1);
    CHECK(alone.out == "");
    CHECK(contains(alone.err, "flow-stat: /nonexistent/ft-v05: No such file or directory"));

    const auto with_good =
        run_shell(stat_bin + " --format csv /nonexistent/ft-v05 " + shell_arg(good_file));
    const auto good_only = run_shell(stat_bin + " --format csv " + shell_arg(good_file));
    CHECK(with_good.status == 1);
    CHECK(with_good.out == good_only.out);
    CHECK(lines(with_good.err) == 1);
}

TEST_CASE("some inputs unreadable: the answer from the rest says it is incomplete") {
    const std::string missing = "/nonexistent/ft-v05.2009-10-15.153110+0000";
    const std::string both =
        std::string(" ").append(shell_arg(good_file)).append(" ").append(missing);
    const std::string note = "# incomplete: 1 input damaged or unreadable, see stderr\n";

    SECTION("the aligned table ends with the note") {
        const auto run = run_shell(select_bin + both);
        const auto complete = run_shell(select_bin + " " + shell_arg(good_file));
        CHECK(run.status == 1);
        CHECK(run.out == complete.out + note);
        const auto sorted = run_shell(select_bin + " --sort start" + both);
        CHECK(sorted.out.size() > note.size());
        CHECK(sorted.out.substr(sorted.out.size() - note.size()) == note);
    }
    SECTION("flow-stat's table ends with the note, its JSON says incomplete") {
        const auto table = run_shell(stat_bin + " --by protocol" + both);
        const auto complete = run_shell(stat_bin + " --by protocol " + shell_arg(good_file));
        CHECK(table.status == 1);
        CHECK(table.out == complete.out + note);
        const auto json = run_shell(stat_bin + " --format json" + both);
        CHECK(json.status == 1);
        CHECK(contains(json.out, ",\n\"incomplete\":true,\"failed_inputs\":1}\n"));
        const auto complete_json = run_shell(stat_bin + " --format json " + shell_arg(good_file));
        CHECK_FALSE(contains(complete_json.out, "incomplete"));
    }
    SECTION("CSV, flow-export text and streams stay as they are: stderr and exit 1 only") {
        for (const std::string& tool :
             {csv_bin, csv_bin + " --format flow-export", stat_bin + " --format csv"}) {
            INFO(tool);
            const auto run = run_shell(tool + both);
            const auto complete = run_shell(tool + " " + shell_arg(good_file));
            CHECK(run.status == 1);
            CHECK(run.out == complete.out);
            CHECK(lines(run.err) == 1);
        }
        const auto stream =
            run_shell(select_bin + " -o stream" + both + " | " + csv_bin + " --format flow-export");
        const auto complete = run_shell(csv_bin + " --format flow-export " + shell_arg(good_file));
        CHECK(stream.out == complete.out);
    }
}

TEST_CASE("a damaged input: the table ends with the note, flow-export text stays the original's") {
    const std::string damaged =
        shell_arg(data + "/incomplete/truncated_z/ft-v05.2009-10-15.164611+0000");
    const std::string note = "# incomplete: 1 input damaged or unreadable, see stderr\n";
    const auto table = run_shell(select_bin + " " + damaged);
    CHECK(table.status == 1);
    REQUIRE(table.out.size() > note.size());
    CHECK(table.out.substr(table.out.size() - note.size()) == note);
    const auto stat = run_shell(stat_bin + " " + damaged);
    CHECK(stat.status == 1);
    CHECK(contains(stat.out, "\ntotal "));
    CHECK(stat.out.substr(stat.out.size() - note.size()) == note);
    const auto f2 = run_shell(csv_bin + " --format flow-export " + damaged);
    CHECK(f2.out == read_file_text(data + "/incomplete/truncated_z/damaged.export_f2.csv"));
}
