// vigil-console's parsers of outside input: a browser's WebSocket message
// gets a command or a refusal with a message, never a crash, and a command
// it accepts is one of the contract's, with args a second parse accepts
// unchanged; a meeting follow-up it accepts has a known kind, a text, an
// owner and a real due date. The same bytes as a broker message (first line
// the topic, the rest the payload) feed the state store, whose queue stays
// well-formed, and a digest among them goes into the meeting report.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

#include "vigil/console/browser_request.hpp"
#include "vigil/console/meeting_report.hpp"
#include "vigil/console/state_store.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace vigil::console;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto parsed = parse_browser_request(text);
  if (const auto* command = std::get_if<BrowserCommand>(&parsed)) {
    if (!is_command_name(command->cmd) || !command->args.is_object()) __builtin_trap();
    const nlohmann::json again{
        {"op", "command"},       {"ref", command->ref},         {"cmd", command->cmd},
        {"site", command->site}, {"gateway", command->gateway}, {"args", command->args}};
    const auto reparsed = parse_browser_request(again.dump());
    const auto* same = std::get_if<BrowserCommand>(&reparsed);
    if (same == nullptr || same->args != command->args) __builtin_trap();
  } else if (const auto* add = std::get_if<FollowUpAddRequest>(&parsed)) {
    const auto& f = add->followup;
    if ((f.kind != "proposal" && f.kind != "resolution") || f.text.empty() || f.owner.empty() ||
        !is_iso_date(f.due)) {
      __builtin_trap();
    }
  } else if (const auto* done = std::get_if<FollowUpDoneRequest>(&parsed)) {
    if (done->id < 1) __builtin_trap();
  } else if (std::get<BrowserRequestError>(parsed).message.empty()) {
    __builtin_trap();
  }

  StateStore store("vigil");
  const auto newline = text.find('\n');
  const auto topic = text.substr(0, newline);
  const auto payload =
      newline == std::string_view::npos ? std::string_view{} : text.substr(newline + 1);
  (void)store.apply(topic, payload);
  (void)store.apply(topic, payload);  // a duplicate delivery
  for (const auto& entry : store.queue()) {
    if (entry.state == "resolved") __builtin_trap();
  }
  (void)store.snapshot().dump();
  const MeetingReport report{store.digests(), {}, "2026-11-29", "now"};
  (void)meeting_report_csv(report);
  (void)meeting_report_html(report);
  return 0;
}
