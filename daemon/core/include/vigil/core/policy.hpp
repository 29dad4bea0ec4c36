// The access decision. Pure: same inputs, same answer, at any time of replay.
#pragma once

#include <optional>

#include "vigil/core/card.hpp"
#include "vigil/core/event.hpp"
#include "vigil/core/people.hpp"
#include "vigil/core/site.hpp"

namespace vigil::core {

struct Decision {
  bool granted = false;
  DenyReason reason = DenyReason::unknown_card;
  const Person* person = nullptr;  // set whenever the card is known
  const Door* door = nullptr;      // set whenever the reader is known
  const ZoneId* zone = nullptr;    // the zone the read asked to enter
};

Decision decide(const Site& site, const PeopleDirectory& people, const CardNumber& card,
                const ReaderId& reader, TimePoint time);

}  // namespace vigil::core
