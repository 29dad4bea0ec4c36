// A throwaway certificate authority for TLS tests, made with the openssl
// command line at test time (nothing secret is committed): a CA, a server
// certificate for 127.0.0.1/localhost and a client certificate signed by it.
// Two TestPki are two unrelated CAs: a client that trusts one must refuse a
// server certified by the other.
#pragma once

#include <filesystem>
#include <string>

#include "vigil/testing/temp_dir.hpp"

namespace vigil::testing {

class TestPki {
 public:
  // Throws std::runtime_error with openssl's output if a step fails.
  explicit TestPki(const std::string& name = "Vigil Test CA");

  std::filesystem::path ca_cert() const { return dir_.file("ca.crt"); }
  std::filesystem::path server_cert() const { return dir_.file("server.crt"); }
  std::filesystem::path server_key() const { return dir_.file("server.key"); }
  std::filesystem::path client_cert() const { return dir_.file("client.crt"); }
  std::filesystem::path client_key() const { return dir_.file("client.key"); }

 private:
  void run(const std::string& command) const;
  TempDir dir_;
};

}  // namespace vigil::testing
