// cellgate: the command-line client. Wires the process environment, the
// gRPC connection and the standard streams into RunCli (client/app.h).
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "client/app.h"
#include "client/grpc_connection.h"

int main(int argc, char** argv) {
  cellgate::client::QuietGrpcLogging();
  const std::vector<std::string> args(argv + 1, argv + argc);
  const auto env = [](const std::string& name) -> std::string {
    const char* value = std::getenv(name.c_str());
    return value == nullptr ? "" : value;
  };
  return cellgate::client::RunCli(args, env, cellgate::client::ConnectGrpc, std::cout, std::cerr);
}
