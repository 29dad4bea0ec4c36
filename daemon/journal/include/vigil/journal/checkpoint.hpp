// Signed checkpoints (docs/journal.md, "Signed checkpoints"). A checkpoint is
// the gateway's Ed25519 signature over (journal id, seq, head hash, time): a
// head published where the gateway cannot take it back (a file copied off,
// the MQTT broker, an audit report). A chain alone cannot show a cut or
// recomputed tail, an emptied or a replaced journal; a checkpoint can, and
// check_checkpoint() names which.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/core/event.hpp"
#include "vigil/journal/gateway_key.hpp"
#include "vigil/journal/hash_chain.hpp"

namespace vigil::journal {

class Journal;

// Domain tag that starts every signed message: a checkpoint signature can
// never be replayed as a signature over anything else.
inline constexpr std::string_view kCheckpointMagic = "vigil.checkpoint.v1";

struct Checkpoint {
  std::string journal_id{};  // 32 lowercase hex digits
  std::uint64_t seq = 0;     // the last row the head covers (0: empty journal, genesis head)
  Hash head{};               // hash of row seq
  std::int64_t time_us = 0;  // when it was signed, UTC microseconds since the epoch
  std::string key_id{};      // key_id() of the signing key
  Signature signature{};
};

// The exact signed bytes: magic || 16 id bytes || seq u64 BE || head || time i64 BE.
// Throws std::invalid_argument if journal_id is not 32 hex digits.
std::vector<std::uint8_t> checkpoint_message(const Checkpoint& checkpoint);
Checkpoint sign_checkpoint(const GatewayKey& key, std::string journal_id, std::uint64_t seq,
                           const Hash& head, std::int64_t time_us);
bool signature_valid(const Checkpoint& checkpoint, const PublicKey& key);

// One JSON object (docs/journal.md): the file `<db>.checkpoint` and the MQTT
// retained message carry exactly this.
std::string checkpoint_to_json(const Checkpoint& checkpoint);
// nullopt (with `error` set) for anything that is not a well-formed checkpoint.
std::optional<Checkpoint> checkpoint_from_json(std::string_view text, std::string* error = nullptr);
// Atomic: a temp file, fsync, rename, fsync of the directory.
void write_checkpoint_file(const std::filesystem::path& path, const Checkpoint& checkpoint);
std::optional<Checkpoint> read_checkpoint_file(const std::filesystem::path& path,
                                               std::string* error = nullptr);

// The journalled form: a `checkpoint` event with attrs seq, head, time_us,
// key_id, signature (the journal id is the journal's own).
core::Event checkpoint_event(const Checkpoint& checkpoint);
std::optional<Checkpoint> checkpoint_from_event(const core::Event& event,
                                                const std::string& journal_id);

enum class CheckpointProblem : std::uint8_t {
  none,
  forged,          // the signature does not verify with the given public key
  replaced,        // the journal's id is not the checkpoint's
  emptied,         // the checkpoint covers rows, the journal has none
  tail_cut,        // the journal ends before the checkpoint's seq
  tail_rewritten,  // row seq exists but its hash is not the signed head
};
const char* to_string(CheckpointProblem problem);

struct CheckpointCheck {
  CheckpointProblem problem = CheckpointProblem::none;
  std::string message{};  // "rows 101..150 missing after seq 100 (checkpoint seq 150)"
};

// Compares a journal with a checkpoint taken earlier: signature first, then
// journal id, then that row `seq` still exists with the signed hash.
CheckpointCheck check_checkpoint(const Journal& journal, const Checkpoint& checkpoint,
                                 const PublicKey& key);

// Every journalled checkpoint row: its signature and that the row it names
// still has the signed hash. The first bad one, or problem none.
struct CheckpointRowsCheck {
  CheckpointProblem problem = CheckpointProblem::none;
  std::uint64_t row = 0;  // the checkpoint row at fault
  std::size_t checked = 0;
  std::optional<Checkpoint> newest{};  // the newest good checkpoint row
  std::string message{};
  std::size_t signatures = 0;  // signatures actually verified (checked, or fewer by the newest)
};
// Rows at or before `after_seq` are skipped (vigild: those before the newest
// segment start, whose problem is already recorded).
CheckpointRowsCheck check_checkpoint_rows(const Journal& journal, const PublicKey& key,
                                          std::uint64_t after_seq = 0);

// The same answer with one signature instead of one per row, valid only for
// a journal whose chain verifies from row 1 through at least newest->seq
// (docs/journal.md, "Checking the rows by the newest"): the newest checkpoint
// row's signature and signed head then vouch for every row up to the seq it
// signs, older checkpoint rows included. Still checked one by one:
// checkpoint rows after that seq (the newest itself) and those at or before
// `break_seq`, the newest segment start with a problem (after a break the
// gateway signs what it found, so its signature vouches for nothing before
// the break). problem none: the result check_checkpoint_rows() gives
// (checked counts every row, signatures the ones verified). Anything else:
// the caller runs check_checkpoint_rows() to name the first bad row in seq
// order (this one stops at the newest bad one).
CheckpointRowsCheck check_checkpoint_rows_by_newest(const Journal& journal, const PublicKey& key,
                                                    std::uint64_t break_seq = 0);

}  // namespace vigil::journal
