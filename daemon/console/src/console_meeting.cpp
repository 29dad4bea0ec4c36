// ConsoleHub's meeting side: follow-ups recorded and closed from the
// browsers, and the report (docs/console.md, "Meeting view").
#include <spdlog/spdlog.h>

#include <ctime>

#include "console_app.hpp"
#include "vigil/console/meeting_report.hpp"

namespace vigil::console {
namespace {

using nlohmann::json;

std::string format_time(const char* format, bool local) {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  if (local) {
    localtime_r(&t, &tm);
  } else {
    gmtime_r(&t, &tm);
  }
  char buf[32];
  return std::string(buf, std::strftime(buf, sizeof buf, format, &tm));
}

// Due dates are days on the meeting's calendar: the console host's local date.
std::string today() {
  return format_time("%Y-%m-%d", true);
}

std::string now_utc() {
  return format_time("%Y-%m-%dT%H:%M:%SZ", false);
}

}  // namespace

std::string ConsoleHub::followups_text() const {
  const auto day = today();
  json items = json::array();
  for (const auto& f : meeting_.list()) items.push_back(to_json(f, day));
  return json{{"type", "followups"}, {"today", day}, {"items", items}}.dump(
      -1, ' ', false, json::error_handler_t::replace);
}

void ConsoleHub::on_followup_add(const std::shared_ptr<BrowserLink>& browser,
                                 const std::string& user, const FollowUpAddRequest& request) {
  if (find_operator(request.followup.owner) == nullptr) {
    send_answer(*browser, request.ref, false,
                "owner '" + request.followup.owner + "' is not an operator of this console");
    return;
  }
  try {
    const auto f = meeting_.add(request.followup, user, now_utc());
    spdlog::info("operator '{}' recorded {} #{} for {} due {}", user, f.kind, f.id, f.owner, f.due);
    send_answer(*browser, request.ref, true, "recorded as #" + std::to_string(f.id));
  } catch (const std::exception& e) {
    spdlog::error("meeting store: {}", e.what());
    send_answer(*browser, request.ref, false, "could not record it: the store failed");
    return;
  }
  broadcast(followups_text(), "followups");
}

void ConsoleHub::on_followup_done(const std::shared_ptr<BrowserLink>& browser,
                                  const std::string& user, const FollowUpDoneRequest& request) {
  const ConsoleOperator* op = find_operator(user);
  try {
    const auto done =
        meeting_.mark_done(request.id, user, op != nullptr && op->meeting_chair, now_utc());
    if (const auto* why = std::get_if<std::string>(&done)) {
      send_answer(*browser, request.ref, false, *why);
      return;
    }
    spdlog::info("operator '{}' marked follow-up #{} done", user, request.id);
    send_answer(*browser, request.ref, true, "#" + std::to_string(request.id) + " done");
  } catch (const std::exception& e) {
    spdlog::error("meeting store: {}", e.what());
    send_answer(*browser, request.ref, false, "could not record it: the store failed");
    return;
  }
  broadcast(followups_text(), "followups");
}

std::string ConsoleHub::report_csv() const {
  return meeting_report_csv({store_.digests(), meeting_.list(), today(), now_utc()});
}

std::string ConsoleHub::report_html() const {
  return meeting_report_html({store_.digests(), meeting_.list(), today(), now_utc()});
}

}  // namespace vigil::console
