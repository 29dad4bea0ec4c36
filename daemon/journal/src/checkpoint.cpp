#include "vigil/journal/checkpoint.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "vigil/journal/archive.hpp"
#include "vigil/journal/journal.hpp"

namespace vigil::journal {
namespace checkpoint_impl {
void put_u64(std::vector<std::uint8_t>& out, std::uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8)
    out.push_back(static_cast<std::uint8_t>(value >> shift));
}
}  // namespace checkpoint_impl
namespace {

bool fsync_path(const std::filesystem::path& path, int flags) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

std::string short_hex(const Hash& hash) {
  return to_hex(hash).substr(0, 16);
}

}  // namespace

std::vector<std::uint8_t> checkpoint_message(const Checkpoint& checkpoint) {
  JournalIdBytes id{};
  if (!from_hex(checkpoint.journal_id, id)) {
    throw std::invalid_argument("checkpoint: journal id is not 32 hex digits");
  }
  // Built byte by byte into a reserved buffer: fixed width, 83 bytes.
  std::vector<std::uint8_t> out;
  out.reserve(kCheckpointMagic.size() + id.size() + 8 + checkpoint.head.size() + 8);
  for (char c : kCheckpointMagic) out.push_back(static_cast<std::uint8_t>(c));
  for (auto b : id) out.push_back(b);
  checkpoint_impl::put_u64(out, checkpoint.seq);
  for (auto b : checkpoint.head) out.push_back(b);
  checkpoint_impl::put_u64(out, static_cast<std::uint64_t>(checkpoint.time_us));
  return out;
}

Checkpoint sign_checkpoint(const GatewayKey& key, std::string journal_id, std::uint64_t seq,
                           const Hash& head, std::int64_t time_us) {
  Checkpoint out{.journal_id = std::move(journal_id),
                 .seq = seq,
                 .head = head,
                 .time_us = time_us,
                 .key_id = key_id(key.public_key())};
  out.signature = key.sign(checkpoint_message(out));
  return out;
}

bool signature_valid(const Checkpoint& checkpoint, const PublicKey& key) {
  JournalIdBytes id{};
  if (!from_hex(checkpoint.journal_id, id)) return false;
  return verify_signature(key, checkpoint_message(checkpoint), checkpoint.signature);
}

std::string checkpoint_to_json(const Checkpoint& c) {
  nlohmann::ordered_json j;
  j["format"] = kCheckpointMagic;
  j["journal_id"] = c.journal_id;
  j["seq"] = c.seq;
  j["head"] = to_hex(c.head);
  j["time_us"] = c.time_us;
  j["time"] = core::format_utc(core::from_unix_micros(c.time_us));
  j["key_id"] = c.key_id;
  j["signature"] = to_hex(c.signature);
  return j.dump();
}

std::optional<Checkpoint> checkpoint_from_json(std::string_view text, std::string* error) {
  auto fail = [&](const std::string& why) -> std::optional<Checkpoint> {
    if (error) *error = why;
    return std::nullopt;
  };
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return fail("not a JSON object");
  auto text_of = [&](const char* key) -> std::optional<std::string> {
    auto it = j.find(key);
    if (it == j.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
  };
  if (text_of("format") != std::string{kCheckpointMagic}) {
    return fail("format is not " + std::string{kCheckpointMagic});
  }
  Checkpoint c;
  auto id = text_of("journal_id");
  JournalIdBytes id_bytes{};
  if (!id || !from_hex(*id, id_bytes)) return fail("journal_id is not 32 hex digits");
  c.journal_id = to_hex(id_bytes);
  auto seq = j.find("seq");
  if (seq == j.end() || !seq->is_number_unsigned()) return fail("seq is not an unsigned integer");
  c.seq = seq->get<std::uint64_t>();
  auto time = j.find("time_us");
  if (time == j.end() || !time->is_number_integer()) return fail("time_us is not an integer");
  c.time_us = time->get<std::int64_t>();
  auto head = text_of("head");
  if (!head || !from_hex(*head, c.head)) return fail("head is not 64 hex digits");
  auto signature = text_of("signature");
  if (!signature || !from_hex(*signature, c.signature)) {
    return fail("signature is not 128 hex digits");
  }
  c.key_id = text_of("key_id").value_or("");
  return c;
}

void write_checkpoint_file(const std::filesystem::path& path, const Checkpoint& checkpoint) {
  const std::filesystem::path temp = path.string() + ".tmp";
  const std::string text = checkpoint_to_json(checkpoint) + "\n";
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("cannot create " + temp.string());
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
            ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(temp.c_str(), path.c_str()) != 0) {
    throw std::runtime_error("cannot write " + path.string());
  }
  const auto dir = path.parent_path().empty() ? std::filesystem::path{"."} : path.parent_path();
  fsync_path(dir, O_RDONLY | O_DIRECTORY);  // the rename itself survives a power cut
}

std::optional<Checkpoint> read_checkpoint_file(const std::filesystem::path& path,
                                               std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (error) *error = "cannot read " + path.string();
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return checkpoint_from_json(text.str(), error);
}

core::Event checkpoint_event(const Checkpoint& c) {
  core::Event e;
  e.time = core::from_unix_micros(c.time_us);
  e.kind = core::EventKind::checkpoint;
  core::set_attr(e.attrs, "seq", static_cast<std::int64_t>(c.seq));
  core::set_attr(e.attrs, "head", to_hex(c.head));
  core::set_attr(e.attrs, "time_us", c.time_us);
  core::set_attr(e.attrs, "key_id", c.key_id);
  core::set_attr(e.attrs, "signature", to_hex(c.signature));
  return e;
}

std::optional<Checkpoint> checkpoint_from_event(const core::Event& e,
                                                const std::string& journal_id) {
  if (e.kind != core::EventKind::checkpoint) return std::nullopt;
  auto seq = core::attr_int(e.attrs, "seq");
  auto time = core::attr_int(e.attrs, "time_us");
  auto head = core::attr_text(e.attrs, "head");
  auto signature = core::attr_text(e.attrs, "signature");
  Checkpoint c;
  if (!seq || *seq < 0 || !time || !head || !signature || !from_hex(*head, c.head) ||
      !from_hex(*signature, c.signature)) {
    return std::nullopt;
  }
  c.journal_id = journal_id;
  c.seq = static_cast<std::uint64_t>(*seq);
  c.time_us = *time;
  c.key_id = core::attr_text(e.attrs, "key_id").value_or("");
  return c;
}

const char* to_string(CheckpointProblem problem) {
  switch (problem) {
    case CheckpointProblem::none:
      return "none";
    case CheckpointProblem::forged:
      return "checkpoint_forged";
    case CheckpointProblem::replaced:
      return "replaced";
    case CheckpointProblem::emptied:
      return "emptied";
    case CheckpointProblem::tail_cut:
      return "tail_cut";
    case CheckpointProblem::tail_rewritten:
      return "tail_rewritten";
  }
  return "unknown";
}

CheckpointCheck check_checkpoint(const Journal& journal, const Checkpoint& c,
                                 const PublicKey& key) {
  using P = CheckpointProblem;
  if (!signature_valid(c, key)) {
    return {P::forged, "checkpoint seq " + std::to_string(c.seq) +
                           ": checkpoint_forged (signature does not verify with key " +
                           key_id(key) + ")"};
  }
  const std::string id = journal.journal_id();
  if (id != c.journal_id) {
    return {P::replaced,
            "replaced (journal id " + id + " is not the checkpoint's " + c.journal_id + ")"};
  }
  const std::uint64_t last = journal.last_seq();
  const std::string cp = "(checkpoint seq " + std::to_string(c.seq) + ")";
  if (c.seq > 0 && last == 0) {
    return {P::emptied,
            "emptied (rows 1.." + std::to_string(c.seq) + " missing, the journal is empty) " + cp};
  }
  if (last < c.seq) {
    return {P::tail_cut, "tail_cut (rows " + std::to_string(last + 1) + ".." +
                             std::to_string(c.seq) + " missing after seq " + std::to_string(last) +
                             ") " + cp};
  }
  // A row moved to an archive is still covered: its hash is read there.
  const Hash found =
      c.seq == 0 ? journal.genesis_hash() : hash_at_with_archives(journal, c.seq).value_or(Hash{});
  if (found != c.head) {
    return {P::tail_rewritten, "tail_rewritten (row " + std::to_string(c.seq) + " hashes to " +
                                   short_hex(found) + ", the checkpoint signed " +
                                   short_hex(c.head) + ") " + cp};
  }
  return {P::none, "checkpoint seq " + std::to_string(c.seq) + " ok (key " + c.key_id + ")"};
}

namespace {

// One checkpoint row: unreadable attributes are a forgery; otherwise its
// signature and signed head are checked (and counted in out.signatures).
CheckpointCheck check_checkpoint_row(const Journal& journal, const std::optional<Checkpoint>& c,
                                     const PublicKey& key, CheckpointRowsCheck& out) {
  if (!c) return {CheckpointProblem::forged, "checkpoint_forged (attributes unreadable)"};
  ++out.signatures;
  return check_checkpoint(journal, *c, key);
}

}  // namespace

CheckpointRowsCheck check_checkpoint_rows(const Journal& journal, const PublicKey& key,
                                          std::uint64_t after_seq) {
  CheckpointRowsCheck out;
  const std::string id = journal.journal_id();
  for (const auto& e :
       journal.query(Filter{.kinds = {core::EventKind::checkpoint}, .after_seq = after_seq})) {
    auto c = checkpoint_from_event(e, id);
    const CheckpointCheck check = check_checkpoint_row(journal, c, key, out);
    if (check.problem != CheckpointProblem::none) {
      out.problem = check.problem;
      out.row = e.seq;
      out.message = "row " + std::to_string(e.seq) + ": " + check.message;
      return out;
    }
    ++out.checked;
    out.newest = c;
  }
  out.message = std::to_string(out.checked) + " checkpoint rows ok";
  return out;
}

CheckpointRowsCheck check_checkpoint_rows_by_newest(const Journal& journal, const PublicKey& key,
                                                    std::uint64_t break_seq) {
  CheckpointRowsCheck out;
  const std::string id = journal.journal_id();
  const auto rows = journal.query(Filter{.kinds = {core::EventKind::checkpoint}});
  // Newest first: the first one checked sets how far its signature vouches.
  std::optional<std::uint64_t> vouched_to;
  for (auto e = rows.rbegin(); e != rows.rend(); ++e) {
    if (vouched_to && e->seq > break_seq && e->seq <= *vouched_to) continue;
    auto c = checkpoint_from_event(*e, id);
    const CheckpointCheck check = check_checkpoint_row(journal, c, key, out);
    if (check.problem != CheckpointProblem::none) {
      out.problem = check.problem;
      out.row = e->seq;
      out.message = "row " + std::to_string(e->seq) + ": " + check.message +
                    " (checked newest first: check every row to name the first)";
      return out;
    }
    if (!vouched_to) {
      vouched_to = c->seq;
      out.newest = c;
    }
  }
  out.checked = rows.size();
  out.message = std::to_string(out.checked) + " checkpoint rows ok";
  return out;
}

}  // namespace vigil::journal
