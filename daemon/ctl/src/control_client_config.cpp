// run_through_daemon: the socket of `--config SITE` from the site config
// loaded and checked in full (vigilctl-local, tests); each successful load
// is remembered for the front (socket_cache.hpp).
#include "control_route.hpp"
#include "vigil/config/load.hpp"
#include "vigil/ctl/control_client.hpp"
#include "vigil/ctl/socket_cache.hpp"

namespace vigil::ctl {

std::optional<int> run_through_daemon(std::vector<std::string> words, std::ostream& out,
                                      std::ostream& err) {
  const auto socket_of = [](const std::string& config_path) -> std::optional<std::string> {
    // The identity before the read: a file changed while it is loaded is a
    // miss next time, never an entry for content that was not checked.
    const auto identity = config_identity(config_path);
    auto loaded = config::load_site_config(config_path);
    if (!loaded) return std::nullopt;
    std::string socket = loaded.value().control_socket;
    if (identity) remember_socket(*identity, socket);
    return socket;
  };
  return route_through_daemon(std::move(words), socket_of, out, err);
}

}  // namespace vigil::ctl
