#include "flowfile/block_index.hpp"

namespace flowfile {

std::filesystem::path index_path_of(const std::filesystem::path& data_file) {
    std::string name{index_name_prefix};
    name += data_file.filename().string();
    return data_file.parent_path() / name;
}

bool is_index_file_name(std::string_view name) {
    // "ix-NAME" and, while it is written, "ix-NAME.new".
    return name.size() > index_name_prefix.size() && name.starts_with(index_name_prefix);
}

}  // namespace flowfile
