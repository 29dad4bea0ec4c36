#include "vigil/testing/test_pki.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace vigil::testing {

TestPki::TestPki(const std::string& name) : dir_("vigil-pki") {
  const std::string d = dir_.path().string() + "/";
  const std::string ec = " -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes";
  std::ofstream(d + "server.ext") << "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                                  << "extendedKeyUsage=serverAuth\n";
  std::ofstream(d + "client.ext") << "extendedKeyUsage=clientAuth\n";
  run("openssl req -x509" + ec + " -keyout " + d + "ca.key -out " + d +
      "ca.crt -days 2 -subj '/CN=" + name + "'");
  for (const std::string who : {"server", "client"}) {
    run("openssl req" + ec + " -keyout " + d + who + ".key -out " + d + who + ".csr -subj '/CN=" +
        (who == "server" ? std::string{"127.0.0.1"} : std::string{"gw1"}) + "'");
    run("openssl x509 -req -in " + d + who + ".csr -CA " + d + "ca.crt -CAkey " + d +
        "ca.key -CAcreateserial -days 2 -out " + d + who + ".crt -extfile " + d + who + ".ext");
  }
}

void TestPki::run(const std::string& command) const {
  const std::string log = dir_.file("openssl.log").string();
  if (std::system((command + " > " + log + " 2>&1").c_str()) != 0) {
    std::ifstream in(log);
    std::stringstream out;
    out << in.rdbuf();
    throw std::runtime_error("`" + command + "` failed:\n" + out.str());
  }
}

}  // namespace vigil::testing
