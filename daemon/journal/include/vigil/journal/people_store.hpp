// People, their access levels and their credentials, kept in SQLite so an
// import survives restarts. The store may share the journal's file or have
// its own; either way import() is all-or-nothing, and load() builds the
// core's PeopleDirectory that decide() looks cards up in.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <vector>

#include "vigil/core/people.hpp"
#include "vigil/journal/error.hpp"

namespace vigil::journal {

namespace sqlite {
class Database;
}

struct PeopleCount {
  std::size_t people = 0;
  std::size_t credentials = 0;
};

class PeopleStore {
 public:
  explicit PeopleStore(const std::filesystem::path& path,
                       std::chrono::milliseconds busy_timeout = std::chrono::seconds{5});
  PeopleStore(PeopleStore&&) noexcept;
  PeopleStore& operator=(PeopleStore&&) noexcept;
  ~PeopleStore();

  // In one transaction: people replace any stored person with the same id
  // (levels included), credentials replace any stored credential with the
  // same card. Throws JournalError and changes nothing if any record is
  // invalid: an empty id, or a credential whose person is neither in this
  // import nor already stored.
  void import(const std::vector<core::Person>& people,
              const std::vector<core::Credential>& credentials);

  core::PeopleDirectory load() const;
  PeopleCount count() const;

 private:
  std::unique_ptr<sqlite::Database> db_;
};

}  // namespace vigil::journal
