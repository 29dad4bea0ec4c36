// A journal_archived event and the ArchiveRecord it carries (archive.cpp
// writes them, archive_verify.cpp reads them back).
#pragma once

#include <optional>

#include "vigil/core/event.hpp"
#include "vigil/journal/archive.hpp"

namespace vigil::journal {

core::Event archive_event(const ArchiveRecord& r, core::TimePoint now,
                          const std::string& operator_name);
// nullopt when `e` is not a well-formed journal_archived event.
std::optional<ArchiveRecord> archive_record_of(const core::Event& e);

}  // namespace vigil::journal
