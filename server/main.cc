// cellgate-server: the composition root. Reads the config, opens the key
// source, starts the application, writes the port file, and shuts down
// cleanly on SIGINT or SIGTERM. Nothing else lives here.
#include <signal.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/clock.h"
#include "common/files.h"
#include "server/service/application.h"
#include "server/service/json_log.h"
#include "server/service/server_config.h"
#include "server/store/key_source.h"

namespace {

constexpr char kUsage[] =
    "usage: cellgate-server --config FILE [--check-config]\n"
    "  --config FILE    server configuration (textproto, see docs/)\n"
    "  --check-config   validate the configuration and exit\n";

struct Flags {
  std::string config;
  bool check_only = false;
};

bool ParseFlags(int argc, char** argv, Flags& flags) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--config" && i + 1 < argc) {
      flags.config = argv[++i];
    } else if (arg.rfind("--config=", 0) == 0) {
      flags.config = arg.substr(9);
    } else if (arg == "--check-config") {
      flags.check_only = true;
    } else if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    } else {
      std::fprintf(stderr, "cellgate-server: unknown argument \"%s\"\n%s", arg.c_str(), kUsage);
      return false;
    }
  }
  if (flags.config.empty()) {
    std::fprintf(stderr, "cellgate-server: --config is required\n%s", kUsage);
    return false;
  }
  return true;
}

int Fail(const absl::Status& status) {
  std::fprintf(stderr, "cellgate-server: %s\n", std::string(status.message()).c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags;
  if (!ParseFlags(argc, argv, flags)) return 2;
  absl::StatusOr<cellgate::v1::ServerConfig> config =
      cellgate::service::LoadServerConfig(flags.config);
  if (!config.ok()) return Fail(config.status());
  if (flags.check_only) {
    std::printf("configuration \"%s\" is valid\n", flags.config.c_str());
    return 0;
  }
  // Block the handled signals in every thread; one thread waits for them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  cellgate::SystemClock clock;
  absl::StatusOr<std::unique_ptr<cellgate::store::KeySource>> keys =
      cellgate::service::StoreKeySource(*config);
  if (!keys.ok()) return Fail(keys.status());
  auto app = cellgate::service::Application::Start(*config, clock, **keys);
  if (!app.ok()) return Fail(app.status());
  if (!config->port_file().empty()) {
    const absl::Status written = cellgate::WriteFileAtomically(
        config->port_file(), absl::StrCat((*app)->port(), "\n"));
    if (!written.ok()) return Fail(written);
  }
  cellgate::service::JsonLog& log = (*app)->json_log();
  log.Write(cellgate::service::LogLine("info", "listening")
                .Int("port", (*app)->port())
                .Str("tls", config->dev_plaintext() ? "off" : "mtls")
                .Int("health_port", (*app)->health_port())
                .Int("metrics_port", (*app)->metrics_port()));

  std::thread waiter([&] {
    int signal_number = 0;
    // SIGHUP reloads the access policy; SIGINT and SIGTERM stop.
    while (sigwait(&stop_signals, &signal_number) == 0 && signal_number == SIGHUP) {
      const absl::Status reloaded = (*app)->ReloadAccessPolicy();
      if (reloaded.ok()) {
        log.Write(cellgate::service::LogLine("info", "access_policy_reloaded"));
      } else {
        log.Write(cellgate::service::LogLine("error", "access_policy_reload_failed")
                      .Str("message", reloaded.message()));
      }
    }
    log.Write(cellgate::service::LogLine("info", "stopping").Int("signal", signal_number));
    (*app)->Shutdown();
  });
  (*app)->Wait();
  waiter.join();
  log.Write(cellgate::service::LogLine("info", "stopped"));
  app->reset();
  return 0;
}
