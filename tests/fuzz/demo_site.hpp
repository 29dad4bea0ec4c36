// The demo site, loaded once, for fuzz targets whose parsers check names
// against a site (people and visit sheets).
#pragma once

#include "vigil/config/load.hpp"

namespace vigil::fuzz {

inline const core::Site& demo_site() {
  static const config::SiteConfig config =
      config::load_site_config_or_throw(VIGIL_SOURCE_DIR "/config/demo/site.yaml");
  return config.site;
}

}  // namespace vigil::fuzz
