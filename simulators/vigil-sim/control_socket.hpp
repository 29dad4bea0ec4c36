// vigil-sim's control socket: how `vigil-sim SITE swipe lobby-in 12:1001`
// reaches the running `vigil-sim SITE serve`. Text over a Unix stream socket,
// one exchange per connection: the client sends one command line; the server
// answers "ok" or "error", then any number of lines for the person, and closes.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <thread>
#include <vector>

namespace vigil::sim {

class ControlServer {
 public:
  // Called on the server's thread, one command at a time.
  using Handler = std::function<std::pair<bool, std::vector<std::string>>(const std::string&)>;

  ControlServer(std::string path, Handler handler);  // throws std::runtime_error
  ~ControlServer();                                  // stops and removes the socket file
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  const std::string& path() const { return path_; }

 private:
  void run();
  void serve(int fd);

  std::string path_;
  Handler handler_;
  int listen_fd_ = -1;
  int wake_fd_ = -1;
  std::thread thread_;
};

struct ControlReply {
  bool reached = false;  // false: nothing serves that path
  bool ok = false;
  std::vector<std::string> lines;
};

ControlReply send_control_command(const std::string& path, const std::string& command);

}  // namespace vigil::sim
