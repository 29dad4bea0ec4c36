#include "people_rows_in_order.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>

namespace vigil::ctl {
namespace {

class ReadOnlyFile {
 public:
  explicit ReadOnlyFile(const std::string& path)
      : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {}
  ReadOnlyFile(const ReadOnlyFile&) = delete;
  ReadOnlyFile& operator=(const ReadOnlyFile&) = delete;
  ~ReadOnlyFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool ok() const { return fd_ >= 0; }
  // Appends `size` bytes from `offset`; false if the file is shorter now.
  bool read_at(std::uint64_t offset, std::uint64_t size, std::string& into) const {
    const std::size_t at = into.size();
    into.resize(at + size);
    std::size_t got = 0;
    while (got < size) {
      const ssize_t n =
          ::pread(fd_, into.data() + at + got, size - got, static_cast<off_t>(offset + got));
      if (n <= 0) return false;
      got += static_cast<std::size_t>(n);
    }
    return true;
  }
  std::string sha256() const {
    journal::Sha256Stream hash;
    std::string chunk(1 << 20, '\0');
    for (std::uint64_t offset = 0;;) {
      const ssize_t n = ::pread(fd_, chunk.data(), chunk.size(), static_cast<off_t>(offset));
      if (n < 0) return "unreadable";
      if (n == 0) break;
      hash.update({chunk.data(), static_cast<std::size_t>(n)});
      offset += static_cast<std::uint64_t>(n);
    }
    return hash.hex();
  }

 private:
  int fd_;
};

}  // namespace

bool sort_into_id_order(std::vector<config::PeopleRowPlace>& places) {
  if (std::is_sorted(places.begin(), places.end())) return false;
  std::sort(places.begin(), places.end());
  return true;
}

std::string read_in_id_order(const std::string& path, const config::PeopleRowPlace& header,
                             const std::vector<config::PeopleRowPlace>& places,
                             const config::RowDigestKey& row_key, const core::Site* rules,
                             std::size_t batch_rows, const journal::RosterStream::Batch& batch) {
  const ReadOnlyFile file(path);
  if (!file.ok()) return "unreadable";
  // A batch is the header and its rows, one a line, parsed as a sheet of
  // its own: the same rules and types as the front-to-back read. The rows
  // were checked in the file (line numbers there); a batch that no longer
  // parses means the file changed. So does a row whose digest is not the
  // one the check pass kept: the whole file's hash below cannot see a
  // change made after the check and undone before that hash.
  std::string text;
  for (std::size_t from = 0; from < places.size(); from += batch_rows) {
    text.clear();
    if (!file.read_at(header.offset, header.size, text)) return "unreadable";
    text += '\n';
    const std::size_t to = std::min(places.size(), from + batch_rows);
    for (std::size_t i = from; i < to; ++i) {
      if (!file.read_at(places[i].offset, places[i].size, text)) return "unreadable";
      text += '\n';
    }
    auto rows = config::parse_people_csv_text(text, path, rules, &row_key);
    if (!rows || rows.value().people.size() != to - from) return "unreadable";
    if (rows.value().header_digest != header.digest) return "unreadable";
    const auto& digests = rows.value().row_digests;
    if (digests.size() != to - from) return "unreadable";
    for (std::size_t i = from; i < to; ++i) {
      if (digests[i - from] != places[i].digest) return "unreadable";
    }
    batch(rows.value().people, rows.value().credentials);
  }
  // The bytes hashed are read after the rows: a file changed since the
  // check pass (its hash) is refused by the caller's comparison.
  return file.sha256();
}

}  // namespace vigil::ctl
