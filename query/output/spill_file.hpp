#pragma once

#include <cstdint>
#include <filesystem>
#include <span>

namespace flowquery {

// Where --sort start puts what does not fit in its memory: $TMPDIR, else
// /tmp, as sort(1).
std::filesystem::path sort_temp_dir();

// A temporary file without a name: created with O_TMPFILE (or given a name
// and unlinked at once where the file system cannot), so that it is gone
// when its descriptor closes, even when the tool is killed.  Failures throw
// OutputError with one line naming the directory (TMPDIR) and the reason.
class SpillFile {
  public:
    explicit SpillFile(std::filesystem::path dir);
    ~SpillFile();
    SpillFile(SpillFile&& other) noexcept;
    SpillFile& operator=(SpillFile&& other) noexcept;
    SpillFile(const SpillFile&) = delete;
    SpillFile& operator=(const SpillFile&) = delete;

    void append(std::span<const unsigned char> bytes);
    // Reads up to into.size() bytes at `offset`; fewer only at the end.
    std::size_t read_at(std::uint64_t offset, std::span<unsigned char> into) const;
    std::uint64_t size() const { return size_; }

  private:
    [[noreturn]] void fail(const char* doing, int error) const;
    std::filesystem::path dir_;
    int fd_ = -1;
    std::uint64_t size_ = 0;
};

}  // namespace flowquery
