// People import: CSV rows to Person + Credential, all or nothing.
#include "vigil/config/people_csv.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>

#include "csv.hpp"
#include "siphash.hpp"
#include "suggest.hpp"

namespace vigil::config {
namespace {

enum Column {
  kPersonId,
  kName,
  kCard,
  kAccessLevels,
  kActive,
  kValidFrom,
  kValidUntil,
  kClearance,
  kClearanceExpires,
  kColumns
};
const std::vector<std::string> kColumnNames{"person_id",     "name",      "card",
                                            "access_levels", "active",    "valid_from",
                                            "valid_until",   "clearance", "clearance_expires"};
constexpr std::array<bool, kColumns> kRequired{true,  true,  true,  false, false,
                                               false, false, false, false};

template <class T>
bool parse_number(std::string_view s, T& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return !s.empty() && ec == std::errc{} && end == s.data() + s.size();
}

std::optional<core::CardNumber> parse_card(const std::string& s) {
  const auto colon = s.find(':');
  if (colon == std::string::npos) return std::nullopt;
  core::CardNumber card;
  if (!parse_number(std::string_view(s).substr(0, colon), card.facility) ||
      !parse_number(std::string_view(s).substr(colon + 1), card.number)) {
    return std::nullopt;
  }
  return card;
}

// "2025-01-31" as days since 1970-01-01.
std::optional<std::int64_t> parse_date(const std::string& s) {
  int y = 0;
  int m = 0;
  int d = 0;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' ||
      !parse_number(std::string_view(s).substr(0, 4), y) ||
      !parse_number(std::string_view(s).substr(5, 2), m) ||
      !parse_number(std::string_view(s).substr(8, 2), d)) {
    return std::nullopt;
  }
  const std::chrono::year_month_day ymd{std::chrono::year(y),
                                        std::chrono::month(static_cast<unsigned>(m)),
                                        std::chrono::day(static_cast<unsigned>(d))};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::sys_days(ymd).time_since_epoch().count();
}

// Local midnight starting `day` in `tz`, in UTC.
core::TimePoint local_midnight(std::int64_t day, const core::TimeZone& tz) {
  const std::int64_t local = day * 86400;
  const auto at = [](std::int64_t s) { return core::from_unix_micros(s * 1'000'000); };
  const std::int64_t guess = local - tz.offset_at(at(local));
  return at(local - tz.offset_at(at(guess)));
}

class Importer {
 public:
  using RowSink = std::function<void(core::Person&&, core::Credential&&)>;

  Importer(std::string file, const core::Site* site, RowSink sink = {},
           bool check_duplicates = true)
      : file_(std::move(file)),
        site_(site),
        sink_(std::move(sink)),
        check_duplicates_(check_duplicates) {
    if (site_ != nullptr) {
      tz_ = site_->time_zone;
      for (const auto& level : site_->access_levels) level_ids_.push_back(level.id.str());
    }
  }

  // scan_people_csv with keep_places: each row's id key and bytes.
  void keep_places() { keep_places_ = true; }
  // Each record's digest: in its place with keep_places, else in the result.
  void digest_with(const RowDigestKey& key) { digest_start_.emplace(key); }

  void header(const CsvRecord& record) {
    header_place_ = {.key = 0, .offset = record.offset, .size = record.size};
    if (digest_start_) {
      header_place_.digest = digest(record);
      result_.header_digest = header_place_.digest;
    }
    std::fill(index_.begin(), index_.end(), -1);
    for (std::size_t i = 0; i < record.fields.size(); ++i) {
      const std::string name = csv_lower(record.fields[i]);
      auto it = std::find(kColumnNames.begin(), kColumnNames.end(), name);
      if (it == kColumnNames.end()) {
        error(record.line, "unknown column '" + record.fields[i] + "'" +
                               did_you_mean(name, kColumnNames) + " (expected " + column_list() +
                               ")");
        continue;
      }
      int& slot = index_[static_cast<std::size_t>(it - kColumnNames.begin())];
      if (slot >= 0) {
        error(record.line, "column '" + name + "' appears twice");
        continue;
      }
      slot = static_cast<int>(i);
    }
    for (std::size_t c = 0; c < kColumns; ++c) {
      if (kRequired[c] && index_[c] < 0) {
        error(record.line, "the header row has no '" + kColumnNames[c] + "' column (expected " +
                               column_list() + ")");
      }
    }
    width_ = record.fields.size();
    result_.sets_clearance = index_[kClearance] >= 0;
    if (index_[kClearanceExpires] >= 0 && index_[kClearance] < 0) {
      error(record.line, "column 'clearance_expires' needs a 'clearance' column");
    }
  }

  void row(const CsvRecord& record) {
    if (record.fields.size() > width_) {
      error(record.line, "expected at most " + std::to_string(width_) + " fields, got " +
                             std::to_string(record.fields.size()));
      return;
    }
    const int line = record.line;
    // References, not copies: a 2,000,000-row import reads every field of
    // every row three times (check, plan, write).
    static const std::string kAbsent;
    auto field = [&](Column c) -> const std::string& {
      const int i = index_[c];
      return i >= 0 && static_cast<std::size_t>(i) < record.fields.size()
                 ? record.fields[static_cast<std::size_t>(i)]
                 : kAbsent;
    };
    core::Person person;
    core::Credential credential;
    bool ok = true;
    auto bad = [&](Column c, const std::string& why) {
      field_error(line, c, why);
      ok = false;
    };

    const std::string& id = field(kPersonId);
    if (!csv_valid_id(id)) {
      bad(kPersonId, id.empty() ? "must not be empty"
                                : "'" + id +
                                      "' is not a valid id (use letters, digits, '-', '_' "
                                      "and '.', starting with a letter or digit)");
    } else if (check_duplicates_) {
      person_lines_.emplace_back(id, line);  // duplicates: find_duplicates()
    }
    const std::uint64_t row_digest = digest_start_ ? digest(record) : 0;
    if (keep_places_) {
      places_.push_back({.key = person_id_key(id),
                         .offset = record.offset,
                         .size = record.size,
                         .digest = row_digest});
    } else if (digest_start_) {
      result_.row_digests.push_back(row_digest);
    }
    person.id = core::PersonId(id);
    person.name = field(kName);
    if (person.name.empty()) bad(kName, "must not be empty");

    const std::string& card_text = field(kCard);
    if (auto card = parse_card(card_text)) {
      credential.card = *card;
      if (check_duplicates_) card_lines_.emplace_back(*card, line);
    } else {
      bad(kCard, "expected facility:number such as 12:1001, got '" + card_text + "'");
    }
    credential.person = person.id;

    // Split on ';' and trim each piece (an istringstream per row was a
    // measurable share of each read of a large file).
    const std::string_view levels = field(kAccessLevels);
    for (std::size_t start = 0; start < levels.size();) {
      const std::size_t end = std::min(levels.find(';', start), levels.size());
      std::string_view piece = levels.substr(start, end - start);
      start = end + 1;
      const auto first = piece.find_first_not_of(" \t");
      if (first == std::string_view::npos) continue;
      piece = piece.substr(first, piece.find_last_not_of(" \t") - first + 1);
      const std::string level{piece};
      if (!csv_valid_id(level)) {
        bad(kAccessLevels, "'" + level + "' is not a valid access level id");
      } else if (site_ != nullptr &&
                 site_->find_access_level(core::AccessLevelId(level)) == nullptr) {
        bad(kAccessLevels,
            "unknown access level '" + level + "'" + did_you_mean(level, level_ids_));
      } else if (std::find(person.access_levels.begin(), person.access_levels.end(),
                           core::AccessLevelId(level)) == person.access_levels.end()) {
        person.access_levels.emplace_back(level);
      }
    }

    const std::string active = csv_lower(field(kActive));
    if (active == "false" || active == "true" || active.empty()) {
      // An inactive row disables the person and the card alike.
      person.active = credential.active = active != "false";
    } else {
      bad(kActive, "expected true or false, got '" + field(kActive) + "'");
    }

    std::optional<std::int64_t> from_day;
    std::optional<std::int64_t> until_day;
    for (Column c : {kValidFrom, kValidUntil}) {
      const std::string text = field(c);
      if (text.empty()) continue;
      auto day = parse_date(text);
      if (!day) {
        bad(c, "expected a date such as 2025-12-31, got '" + text + "'");
        continue;
      }
      (c == kValidFrom ? from_day : until_day) = day;
    }
    if (from_day && until_day && *until_day < *from_day) {
      bad(kValidUntil, field(kValidUntil) + " is before valid_from " + field(kValidFrom));
    }
    if (from_day) credential.valid_from = local_midnight(*from_day, tz_);
    if (until_day) {
      // The whole day counts: the last microsecond before the next midnight.
      credential.valid_until = local_midnight(*until_day + 1, tz_) - core::Duration(1);
    }
    parse_clearance(field(kClearance), field(kClearanceExpires), person, bad);
    if (!ok) return;
    ++rows_;
    if (sink_) {
      if (errors_.empty()) sink_(std::move(person), std::move(credential));
      return;
    }
    result_.people.push_back(std::move(person));
    result_.credentials.push_back(std::move(credential));
  }

  // An empty clearance holds none; a last day without a clearance is a
  // mistake in the sheet, not a clearance.
  template <class Bad>
  static void parse_clearance(const std::string& level_text, const std::string& expires_text,
                              core::Person& person, Bad& bad) {
    const std::string level = csv_lower(level_text);
    if (!level.empty()) {
      auto parsed = core::clearance_level_from_string(level);
      if (!parsed || *parsed == core::ClearanceLevel::none) {
        bad(kClearance, "expected confidential, secret or top_secret, got '" + level_text + "'" +
                            did_you_mean(level, {"confidential", "secret", "top_secret"}));
      } else {
        person.clearance.level = *parsed;
      }
    }
    if (expires_text.empty()) return;
    if (level.empty()) {
      bad(kClearanceExpires, "a last day without a clearance level");
    } else if (auto day = core::parse_date(expires_text)) {
      person.clearance.expires = day;
    } else {
      bad(kClearanceExpires, "expected a date such as 2025-12-31, got '" + expires_text + "'");
    }
  }

  // `column`: the field a row's error is about (-1: the row or header), so
  // errors found after the last row still come out in line, then field,
  // order.
  void error(int line, std::string message, int column = -1) {
    errors_.push_back({file_, line, 0, std::move(message)});
    error_columns_.push_back(column);
  }

  bool failed() const { return !errors_.empty(); }

  // Duplicate ids and cards, found once all rows are in: a sorted vector of
  // (key, line) pairs instead of a map per row costs a third of the memory
  // (the check pass of 2,000,000 rows held ~300 MB of map nodes) and most
  // of the time. Each repeat is reported on its own line, naming the first.
  void find_duplicates() {
    std::sort(person_lines_.begin(), person_lines_.end());
    std::sort(card_lines_.begin(), card_lines_.end());
    const std::size_t found = errors_.size();
    each_repeat(person_lines_, [&](const std::string& id, int line, int first) {
      field_error(line, kPersonId,
                  "duplicate person id '" + id + "' (first on line " + std::to_string(first) + ")");
    });
    each_repeat(card_lines_, [&](const core::CardNumber& card, int line, int first) {
      field_error(line, kCard,
                  "card " + core::to_string(card) + " is already assigned on line " +
                      std::to_string(first));
    });
    if (errors_.size() == found) return;
    std::vector<std::size_t> order(errors_.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return std::pair{errors_[a].line, error_columns_[a]} <
             std::pair{errors_[b].line, error_columns_[b]};
    });
    std::vector<Diagnostic> sorted;
    sorted.reserve(order.size());
    for (auto i : order) sorted.push_back(std::move(errors_[i]));
    errors_ = std::move(sorted);
  }
  // Calls repeat(key, line, first line) for every entry after the first of
  // its key in (key, line) pairs sorted by key, then line.
  template <class Lines, class Repeat>
  static void each_repeat(const Lines& lines, Repeat repeat) {
    std::size_t first = 0;
    for (std::size_t i = 1; i < lines.size(); ++i) {
      if (lines[i].first != lines[first].first) {
        first = i;
        continue;
      }
      repeat(lines[i].first, lines[i].second, lines[first].second);
    }
  }
  void field_error(int line, Column c, const std::string& why) {
    error(line, "field '" + kColumnNames[c] + "': " + why, c);
  }

  Result<PeopleImport> finish() {
    find_duplicates();
    if (!errors_.empty()) return std::move(errors_);
    return std::move(result_);
  }

  // The streamed form: the ids and cards seen, sorted, taken node by node
  // so the maps shrink while the vectors grow.
  Result<PeopleScan> finish_scan() {
    find_duplicates();
    if (!errors_.empty()) return std::move(errors_);
    PeopleScan scan;
    scan.rows = rows_;
    scan.sets_clearance = result_.sets_clearance;
    scan.person_ids.reserve(person_lines_.size());
    for (auto& [id, line] : person_lines_) scan.person_ids.emplace_back(std::move(id));
    std::vector<std::pair<std::string, int>>().swap(person_lines_);
    scan.cards.reserve(card_lines_.size());
    for (const auto& [card, line] : card_lines_) scan.cards.push_back(card);
    scan.header = header_place_;
    scan.places = std::move(places_);
    return scan;
  }

  // Feeds one record of the sheet: blank records are skipped, the first
  // other one is the header, the rest rows (none after a bad header).
  void record(const CsvRecord& record) {
    if (std::all_of(record.fields.begin(), record.fields.end(),
                    [](const auto& f) { return f.empty(); })) {
      return;
    }
    if (!seen_header_) {
      seen_header_ = true;
      header(record);
      header_failed_ = failed();
    } else if (!header_failed_) {
      row(record);
    }
  }
  bool seen_header() const { return seen_header_; }

 private:
  static std::string column_list() {
    std::string out;
    for (const auto& c : kColumnNames) out += (out.empty() ? "" : ",") + c;
    return out;
  }

  // The fields as parsed, each after its length (4 bytes, little-endian),
  // after their count: two records digest alike only if their fields do.
  std::uint64_t digest(const CsvRecord& record) {
    // One piece: SipHash takes whole 8-byte blocks fastest.
    digest_bytes_.clear();
    auto put_u32 = [&](std::size_t n) {
      const char bytes[4] = {static_cast<char>(n & 0xff), static_cast<char>((n >> 8) & 0xff),
                             static_cast<char>((n >> 16) & 0xff),
                             static_cast<char>((n >> 24) & 0xff)};
      digest_bytes_.append(bytes, 4);
    };
    put_u32(record.fields.size());
    for (const auto& field : record.fields) {
      put_u32(field.size());
      digest_bytes_ += field;
    }
    return SipHasher(*digest_start_).update(digest_bytes_).finish();
  }

  std::string file_;
  const core::Site* site_;
  core::TimeZone tz_;
  std::vector<std::string> level_ids_;
  std::array<int, kColumns> index_{};
  std::size_t width_ = 0;
  // (key, line) of every listed id and card; sorted by find_duplicates().
  std::vector<std::pair<std::string, int>> person_lines_;
  std::vector<std::pair<core::CardNumber, int>> card_lines_;
  std::vector<int> error_columns_;  // beside errors_
  PeopleImport result_;
  std::vector<Diagnostic> errors_;
  RowSink sink_;
  bool check_duplicates_ = true;
  bool keep_places_ = false;
  std::optional<SipHasher> digest_start_;  // keyed, nothing given yet
  std::string digest_bytes_;
  PeopleRowPlace header_place_;
  std::vector<PeopleRowPlace> places_;
  std::size_t rows_ = 0;
  bool seen_header_ = false;
  bool header_failed_ = false;
};

Diagnostic empty_file(const std::string& file_name) {
  return {file_name, 0, 0,
          "the file is empty (it needs a header row: " +
              std::string("person_id,name,card,access_levels,active,valid_from,"
                          "valid_until[,clearance,clearance_expires])")};
}

}  // namespace

Result<PeopleImport> parse_people_csv_text(std::string_view text, const std::string& file_name,
                                           const core::Site* site, const RowDigestKey* digest_key) {
  Importer importer(file_name, site);
  if (digest_key != nullptr) importer.digest_with(*digest_key);
  CsvReader reader([&](const CsvRecord& record) { importer.record(record); });
  if (!reader.feed(text) || !reader.finish()) {
    return std::vector<Diagnostic>{{file_name, reader.error()->line, 0, reader.error()->message}};
  }
  if (!importer.seen_header()) return std::vector<Diagnostic>{empty_file(file_name)};
  return importer.finish();
}

Result<PeopleScan> scan_people_csv(const std::filesystem::path& path,
                                   const PeopleScanOptions& options) {
  const std::string file_name = path.string();
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return std::vector<Diagnostic>{
        {file_name, 0, 0, std::string("cannot read the file: ") + std::strerror(errno)}};
  }
  // Without a sink the Importer keeps every row (parse_people_csv's form):
  // a scan keeps none, whatever the caller passed (the check pass of an
  // import passed none and held the whole file: 492 MiB at 1,000,000 rows).
  Importer::RowSink sink = options.on_row;
  if (!sink) sink = [](core::Person&&, core::Credential&&) {};
  Importer importer(file_name, options.site, std::move(sink), options.check_duplicates);
  if (options.keep_places) importer.keep_places();
  if (options.row_digest_key) importer.digest_with(*options.row_digest_key);
  CsvReader reader([&](const CsvRecord& record) { importer.record(record); });
  std::string chunk(1 << 20, '\0');
  bool syntax_ok = true;
  while (syntax_ok && in) {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    const auto got = static_cast<std::size_t>(in.gcount());
    if (got == 0) break;
    const std::string_view bytes{chunk.data(), got};
    if (options.on_bytes) options.on_bytes(bytes);
    syntax_ok = reader.feed(bytes);
  }
  if (in.bad()) {
    return std::vector<Diagnostic>{{file_name, 0, 0, "read error"}};
  }
  if (!syntax_ok || !reader.finish()) {
    return std::vector<Diagnostic>{{file_name, reader.error()->line, 0, reader.error()->message}};
  }
  if (!importer.seen_header()) return std::vector<Diagnostic>{empty_file(file_name)};
  return importer.finish_scan();
}

namespace {

Result<PeopleImport> parse_file(const std::filesystem::path& path, const core::Site* site) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return std::vector<Diagnostic>{
        {path.string(), 0, 0, std::string("cannot read the file: ") + std::strerror(errno)}};
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_people_csv_text(text.str(), path.string(), site);
}

}  // namespace

Result<PeopleImport> parse_people_csv(const std::filesystem::path& path) {
  return parse_file(path, nullptr);
}

Result<PeopleImport> parse_people_csv(const std::filesystem::path& path, const core::Site& site) {
  return parse_file(path, &site);
}

std::uint64_t person_id_key(std::string_view id) {
  std::uint64_t key = 0;
  for (std::size_t i = 0; i < 8; ++i) {
    key = (key << 8) | (i < id.size() ? static_cast<unsigned char>(id[i]) : 0U);
  }
  return key;
}

core::PeopleDirectory make_directory(const PeopleImport& import) {
  core::PeopleDirectory directory;
  directory.reserve(import.people.size(), import.credentials.size());
  for (const auto& person : import.people) directory.add_person(person);
  for (const auto& credential : import.credentials) directory.add_credential(credential);
  return directory;
}

}  // namespace vigil::config
