// Journal rows as JSON, for `vigilctl` query output and exports. Keys are the
// journal's column names; an absent field is left out rather than written as
// null, mirroring the hash chain's absent-versus-empty distinction.
#pragma once

#include <nlohmann/json.hpp>

#include "vigil/core/event.hpp"
#include "vigil/journal/journal.hpp"

namespace vigil::journal {

// {"seq":17,"ts_us":...,"time":"2026-...Z","kind":"access_granted","reason":"none",
//  "door":"d1",...,"card":"12:1001","detail":""}
nlohmann::json event_to_json(const core::Event& event);

// {"ok":false,"rows":16,"head_hash":"hex","damage":"altered","bad_seq":17,"message":"..."}
nlohmann::json verify_result_to_json(const VerifyResult& result);

}  // namespace vigil::journal
