#include "vigil/fwb/message.hpp"

namespace vigil::fwb {
namespace {

struct TypeOf {
  MessageType operator()(const Hello&) const { return MessageType::hello; }
  MessageType operator()(const Heartbeat&) const { return MessageType::heartbeat; }
  MessageType operator()(const Ack&) const { return MessageType::ack; }
  MessageType operator()(const CardRead&) const { return MessageType::card_read; }
  MessageType operator()(const KeypadKey&) const { return MessageType::keypad_key; }
  MessageType operator()(const InputChanged&) const { return MessageType::input_changed; }
  MessageType operator()(const OutputCommand&) const { return MessageType::output_command; }
  MessageType operator()(const LedBuzzer&) const { return MessageType::led_buzzer; }
  MessageType operator()(const BoardStatus&) const { return MessageType::board_status; }
  MessageType operator()(const CacheChunk&) const { return MessageType::cache_chunk; }
  MessageType operator()(const TimeSync&) const { return MessageType::time_sync; }
  MessageType operator()(const OfflineEvent&) const { return MessageType::offline_event; }
  MessageType operator()(const OfflineAck&) const { return MessageType::offline_ack; }
  MessageType operator()(const CacheDelta&) const { return MessageType::cache_delta; }
};

}  // namespace

MessageType type_of(const Message& m) {
  return std::visit(TypeOf{}, m);
}

bool is_reliable(MessageType t) {
  return t != MessageType::hello && t != MessageType::heartbeat && t != MessageType::ack;
}

const char* to_string(MessageType t) {
  switch (t) {
    case MessageType::hello:
      return "hello";
    case MessageType::heartbeat:
      return "heartbeat";
    case MessageType::ack:
      return "ack";
    case MessageType::card_read:
      return "card_read";
    case MessageType::keypad_key:
      return "keypad_key";
    case MessageType::input_changed:
      return "input_changed";
    case MessageType::output_command:
      return "output_command";
    case MessageType::led_buzzer:
      return "led_buzzer";
    case MessageType::board_status:
      return "board_status";
    case MessageType::cache_chunk:
      return "cache_chunk";
    case MessageType::time_sync:
      return "time_sync";
    case MessageType::offline_event:
      return "offline_event";
    case MessageType::offline_ack:
      return "offline_ack";
    case MessageType::cache_delta:
      return "cache_delta";
  }
  return "?";
}

}  // namespace vigil::fwb
