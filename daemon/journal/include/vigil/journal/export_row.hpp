// One journal row exactly as stored and hashed (docs/exports.md): every
// field of the hash input, so whoever holds the row can recompute its hash
// without the database, and a run of consecutive rows can be rechained.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "vigil/journal/hash_chain.hpp"

namespace vigil::journal {

// An interned column: the integer stored in the row and the name it refers
// to. The hash covers both.
struct NameRef {
  std::int64_t id = 0;
  std::string text{};
  bool operator==(const NameRef&) const = default;
};

struct ExportRow {
  std::uint64_t seq = 0;
  std::int64_t ts_us = 0;
  NameRef kind{};
  NameRef reason{};
  std::optional<NameRef> door{}, reader{}, zone{}, person{}, device{};
  std::optional<std::string> card{};
  std::string detail{};
  std::optional<std::vector<std::uint8_t>> attrs{};
  Hash prev_hash{};
  Hash hash{};
  bool operator==(const ExportRow&) const = default;
};

// Where a walk over stored rows (Journal::for_each_row) reads them to: each
// row is read into slot(), whose strings keep their capacity from the row
// read into it before, and handed on with filled(). The export's batches
// are a sink, so a row is read once, straight into its batch, with no copy
// and no allocation per row.
class ExportRowSink {
 public:
  virtual ExportRow& slot() = 0;
  virtual void filled() = 0;

 protected:
  ~ExportRowSink() = default;
};

// A sink of one row, reused for every row, each passed to `visit`.
class VisitEachRow final : public ExportRowSink {
 public:
  explicit VisitEachRow(const std::function<void(const ExportRow&)>& visit) : visit_(visit) {}
  ExportRow& slot() override { return row_; }
  void filled() override { visit_(row_); }

 private:
  const std::function<void(const ExportRow&)>& visit_;
  ExportRow row_;
};

// SHA-256 of the row's canonical bytes (docs/journal.md, "Hash input"), as
// the journal computed it when the row was appended: equal to row.hash for an
// intact row.
Hash recompute_hash(const ExportRow& row, CanonicalBytes& bytes, RowHasher& hasher);

}  // namespace vigil::journal
