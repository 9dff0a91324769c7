#pragma once

#include <string>
#include <string_view>

namespace flowquery {

// Text bound for a descriptor (stdout), written in large pieces: a query
// may print millions of lines and iostreams would cost more than reading
// the flows.  Throws OutputError when the descriptor refuses data (disk
// full, closed pipe with SIGPIPE ignored), so a tool never reports success
// for output that was lost.
class OutputBuffer {
  public:
    explicit OutputBuffer(int fd, std::string name = "standard output");
    ~OutputBuffer();  // flushes, but cannot report: call flush() first
    OutputBuffer(const OutputBuffer&) = delete;
    OutputBuffer& operator=(const OutputBuffer&) = delete;

    std::string& text() { return text_; }  // append here, then call maybe_flush()
    void append(std::string_view s) { text_ += s; }
    void maybe_flush() {
        if (text_.size() >= flush_at) flush();
    }
    void flush();

  private:
    static constexpr std::size_t flush_at = 1 << 16;
    int fd_;
    std::string name_;
    std::string text_;
};

// what() names the output and the reason ("standard output: write failed:
// No space left on device").
class OutputError : public std::exception {
  public:
    explicit OutputError(std::string message, bool broken_pipe = false)
        : message_(std::move(message)), broken_pipe_(broken_pipe) {}
    const char* what() const noexcept override { return message_.c_str(); }
    // The reader went away (`| head` with SIGPIPE ignored): the tools stop
    // quietly, as the original tools did when SIGPIPE ended them.
    bool broken_pipe() const { return broken_pipe_; }

  private:
    std::string message_;
    bool broken_pipe_;
};

}  // namespace flowquery
