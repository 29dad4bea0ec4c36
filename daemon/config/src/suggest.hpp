// "Did you mean ...?" for misspelt keys and ids.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vigil::config {

// The candidate closest to `word` by edit distance, if it is close enough to
// be a plausible typo (at most a third of the word, and at least 1 edit
// allowed); empty otherwise.
std::string closest(std::string_view word, const std::vector<std::string>& candidates);

// " (did you mean 'x'?)" or "".
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace vigil::config
