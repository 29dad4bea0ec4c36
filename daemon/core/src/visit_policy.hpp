// The visit and escort steps of decide() (policy.cpp), private to the core.
#pragma once

#include <vector>

#include "vigil/core/policy.hpp"

namespace vigil::core {

// Step 7 for a visitor: picks the visit active today that covers the zone,
// or refuses (visit_not_active, zone_not_in_visit). Sets attr "visit".
const Visit* visit_for(Decision& d, const Site& site, const std::vector<Visit>& visits,
                       LocalDate today);

// Step 16 for a visitor: an authorised escort's badge at the door within
// the window grants; an unauthorised one refuses (escort_not_authorised);
// none yet makes the visitor wait (wait_for_escort).
void escort_step(Decision& d, const Site& site, const AccessState& state,
                 const AccessRequest& request);

}  // namespace vigil::core
