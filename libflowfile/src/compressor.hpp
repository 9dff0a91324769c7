#pragma once

// The record area of a compressed flow file is one zlib stream.  Two engines
// can produce it: zlib itself, and ISA-L's igzip, which writes the same
// format for a fraction of the CPU at slightly larger size.  The Writer only
// sees this interface.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "flowfile/writer.hpp"

namespace flowfile::detail {

enum class FlushMode {
    none,    // keep going; output comes when the engine has a block
    sync,    // everything so far decodable (an empty stored block marks it)
    full,    // as sync, and no later match reaches back past this point, so
             // that inflating can start here (a block point)
    finish,  // end the stream: final block and Adler-32
};

class Compressor {
  public:
    virtual ~Compressor() = default;
    // Consumes all of `in` and appends the compressed bytes to `out`.
    virtual void compress(std::span<const std::uint8_t> in, FlushMode mode,
                          std::vector<std::uint8_t>& out) = 0;
    // Changes the level for what follows, in the same stream.
    virtual void set_level(int level, std::vector<std::uint8_t>& out) = 0;
    virtual int level() const = 0;
};

// Throws flowfile::Error naming `file` when the engine or level is not
// available.  level -1 = the engine's default.
std::unique_ptr<Compressor> make_compressor(CompressionEngine engine, int level,
                                            const std::string& file);

}  // namespace flowfile::detail
