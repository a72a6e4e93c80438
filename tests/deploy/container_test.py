#!/usr/bin/env python3
"""The container image, compose file and Kubernetes manifests agree with the
server's container config and with each other, without a Docker engine: every
file parses (YAML with python3-yaml, the Dockerfile with a line parser); they
name the same config path, ports, state and secret paths, credential names and
user; the runtime stage installs the Debian packages that hold every shared
library `ldd cellgate-server` lists; and cellgate-server --check-config takes
the container config. Usage: container_test.py SOURCE_DIR BUILD_DIR"""
import os
import re
import subprocess
import sys

import yaml

src, build = sys.argv[1], sys.argv[2]
failures = 0


def check(name, ok, detail=""):
    global failures
    print(("ok   - " if ok else "FAIL - ") + name + ("" if ok or not detail else f" ({detail})"))
    failures += 0 if ok else 1


def read(path):
    with open(os.path.join(src, path), encoding="utf-8") as f:
        return f.read()


# --- the container config ----------------------------------------------------
config_text = read("deploy/container/server.textproto")
config = dict(re.findall(r'^\s*(\w+): "([^"]*)"', config_text, re.M))
port_of = lambda field: int(config[field].rsplit(":", 1)[1])
api_port, health_port, metrics_port = (port_of("listen_address"),
                                       port_of("health_listen_address"),
                                       port_of("metrics_listen_address"))
credentials = [v for k, v in config.items() if k.endswith("_credential")]
tls_files = [config[k] for k in ("server_cert_file", "server_key_file", "client_ca_file", "crl_file")]
secret_names = credentials + [os.path.basename(p) for p in tls_files]
config_path = "/etc/cellgate/server.textproto"
check("the container config reads keys as credentials", set(credentials) == {"store.key", "audit-signing.key", "audit-content.key"})
systemd_credentials = re.findall(r'^\s*\w+_credential: "([^"]*)"',
                                 read("deploy/systemd/server.textproto"), re.M)
check("the container and the systemd unit's config name the same credentials",
      sorted(credentials) == sorted(systemd_credentials), (credentials, systemd_credentials))
check("TLS files come from the secrets directory", all(os.path.dirname(p) == "/run/secrets" for p in tls_files))
state_dir = os.path.dirname(config["store_path"])
check("store and audit log share one state directory",
      state_dir == "/var/lib/cellgate" and config["audit_dir"].startswith(state_dir + "/"))
checked = subprocess.run([os.path.join(build, "bin/cellgate-server"), "--config",
                          os.path.join(src, "deploy/container/server.textproto"), "--check-config"],
                         capture_output=True, text=True)
check("cellgate-server --check-config accepts the container config", checked.returncode == 0,
      checked.stderr.strip())

# --- the Dockerfile, by a small line parser ------------------------------------
def dockerfile_stages(text):
    """Returns [(name, base, [(instruction, argument)])], continuations joined."""
    joined = re.sub(r"\\\n", " ", text)
    stages = []
    for line in joined.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        instruction, _, argument = line.partition(" ")
        instruction = instruction.upper()
        if instruction == "FROM":
            parts = argument.split()
            stages.append((parts[2] if len(parts) > 2 else "", parts[0], []))
        else:
            check(f"Dockerfile instruction {instruction} is known",
                  instruction in {"RUN", "COPY", "ENV", "VOLUME", "EXPOSE", "USER", "ENTRYPOINT",
                                  "CMD", "WORKDIR", "ARG", "LABEL"})
            stages[-1][2].append((instruction, argument.strip()))
    return stages


stages = dockerfile_stages(read("deploy/container/Dockerfile"))
check("the Dockerfile has a build and a runtime stage",
      [s[0] for s in stages] == ["build", "runtime"], [s[0] for s in stages])
check("both stages are Debian 12 slim", all(s[1] == "debian:12-slim" for s in stages))
build_stage, runtime = dict(), stages[-1][2]
build_runs = " ".join(a for i, a in stages[0][2] if i == "RUN")
check("the build stage installs the packages of deploy/install-deps.sh",
      "install-deps.sh" in build_runs)
runtime_of = lambda instr: [a for i, a in runtime if i == instr]
install = " ".join(runtime_of("RUN"))
match = re.search(r"apt-get install -y --no-install-recommends\s+((?:[\w.+-]+\s*)+)", install)
runtime_packages = set(match.group(1).split()) if match else set()
check("the runtime stage installs packages with apt-get", bool(runtime_packages))
check("the runtime stage installs no -dev package",
      not any(p.endswith("-dev") for p in runtime_packages), sorted(runtime_packages))
user = runtime_of("USER")[-1] if runtime_of("USER") else ""
uid = user.split(":")[0]
check("the image runs as a numeric non-root user", uid.isdigit() and uid != "0", user)
volumes = yaml.safe_load(runtime_of("VOLUME")[-1]) if runtime_of("VOLUME") else []
check("config and state directories are volumes", set(volumes) == {"/etc/cellgate", state_dir}, volumes)
exposed = {int(p) for a in runtime_of("EXPOSE") for p in a.split()}
check("the image exposes the config's ports", exposed == {api_port, health_port, metrics_port}, exposed)
check("the image ships the container config at the config path",
      f"deploy/container/server.textproto {config_path}" in runtime_of("COPY"))
check("the image ships the policies at policy_dir",
      any(a.endswith(" " + config["policy_dir"] + "/") for a in runtime_of("COPY")))
cmd = yaml.safe_load(runtime_of("CMD")[-1]) if runtime_of("CMD") else []
check("the image starts the server with the config path", cmd == ["--config", config_path], cmd)
check("the image sets CREDENTIALS_DIRECTORY to the secrets directory",
      "CREDENTIALS_DIRECTORY=/run/secrets" in runtime_of("ENV"))

# Shared libraries of the binary -> Debian packages; the runtime list covers them.
def packages_of_binary(path):
    out = subprocess.run(["ldd", path], capture_output=True, text=True, check=True).stdout
    packages = set()
    for lib in re.findall(r"=> (\S+) \(", out):
        owner = None
        for candidate in (lib, os.path.realpath(lib), lib.replace("/usr/lib/", "/lib/", 1),
                          os.path.realpath(lib).replace("/usr/lib/", "/lib/", 1)):
            found = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
            if found.returncode == 0:
                owner = found.stdout.split(":")[0].strip()
                break
        packages.add(owner or f"(no package for {lib})")
    return packages


needed = set()
for binary in ("cellgate-server", "cellgate", "cellgate-audit-verify"):
    needed |= packages_of_binary(os.path.join(build, "bin", binary))
# In every Debian image already (Essential or required by apt itself).
base = {"libc6", "libgcc-s1", "libstdc++6", "libzstd1", "liblzma5", "libbz2-1.0", "libgcrypt20",
        "libgpg-error0", "libsystemd0", "liblz4-1", "libcap2", "libselinux1", "libpcre2-8-0",
        "libcrypt1", "libxxhash0", "libudev1"}
missing = sorted(needed - runtime_packages - base)
check("the runtime packages cover every shared library of the binaries", not missing, missing)
unused = sorted(runtime_packages - needed)
check("the runtime stage installs nothing the binaries do not link", not unused, unused)

# --- compose -------------------------------------------------------------------
compose = yaml.safe_load(read("deploy/container/compose.yaml"))
service = compose["services"]["cellgate"]
check("compose runs the image's user", service.get("user") == user, service.get("user"))
check("compose has a read-only root file system", service.get("read_only") is True)
check("compose passes the config path", service.get("command") == ["--config", config_path])
check("compose keeps state in a named volume",
      any(v.split(":")[1] == state_dir and v.split(":")[0] in compose.get("volumes", {})
          for v in service.get("volumes", [])))
check("compose mounts the access policy at the config's path",
      any(v.split(":")[1] == config["access_policy_file"] for v in service.get("volumes", [])))
check("compose hands over every credential and TLS file as a secret",
      sorted(service.get("secrets", [])) == sorted(secret_names) and
      set(compose.get("secrets", {})) == set(secret_names), service.get("secrets"))
check("compose sets CREDENTIALS_DIRECTORY",
      service.get("environment", {}).get("CREDENTIALS_DIRECTORY") == "/run/secrets")
published = {str(p).rsplit(":", 1)[-1] for p in service.get("ports", [])}
check("compose publishes the API and metrics, not health",
      published == {str(api_port), str(metrics_port)}, published)

# --- Kubernetes ----------------------------------------------------------------
kube_dir = os.path.join(src, "deploy/kubernetes")
docs = {}
for name in sorted(os.listdir(kube_dir)):
    if name.endswith(".yaml"):
        for doc in yaml.safe_load_all(read(f"deploy/kubernetes/{name}")):
            docs[doc["kind"]] = doc
check("the manifests hold the kinds the issue names",
      {"Deployment", "Service", "Secret", "PersistentVolumeClaim", "NetworkPolicy",
       "ConfigMap"} <= set(docs), sorted(docs))
deployment = docs["Deployment"]
pod = deployment["spec"]["template"]["spec"]
container = pod["containers"][0]
check("one replica, recreated (one writer of store and log)",
      deployment["spec"]["replicas"] == 1 and deployment["spec"]["strategy"]["type"] == "Recreate")
check("the pod runs as the image's user",
      str(pod["securityContext"]["runAsUser"]) == uid and pod["securityContext"]["runAsNonRoot"])
check("the container has a read-only root file system",
      container["securityContext"]["readOnlyRootFilesystem"] is True)
check("the container passes the config path", container.get("args") == ["--config", config_path])
ports = {p["name"]: p["containerPort"] for p in container["ports"]}
check("container ports are the config's",
      ports == {"grpc": api_port, "health": health_port, "metrics": metrics_port}, ports)
probes = [container.get(p, {}) for p in ("startupProbe", "readinessProbe", "livenessProbe")]
check("every probe is a gRPC probe on the health port",
      all(p.get("grpc", {}).get("port") == health_port for p in probes))
mounts = {m["mountPath"]: m for m in container["volumeMounts"]}
volumes_by_name = {v["name"]: v for v in pod["volumes"]}
state = volumes_by_name[mounts[state_dir]["name"]]
check("state is the PersistentVolumeClaim",
      state.get("persistentVolumeClaim", {}).get("claimName") == docs["PersistentVolumeClaim"]["metadata"]["name"])
check("the config and access policy come from the ConfigMap",
      all(mounts[p]["name"] == "config" for p in (config_path, config["access_policy_file"])))
check("the ConfigMap's server.textproto is the container config",
      docs["ConfigMap"]["data"]["server.textproto"] == config_text)
check("the Secret holds every credential and TLS file",
      set(docs["Secret"]["stringData"]) == set(secret_names), sorted(docs["Secret"]["stringData"]))
init = pod["initContainers"][0]
secret_volume = next(v for v in pod["volumes"] if "secret" in v)
check("the init container copies the Secret to the secrets directory as 0600",
      secret_volume["secret"]["secretName"] == docs["Secret"]["metadata"]["name"] and
      "install -m 0600" in " ".join(init["command"]) and
      any(m["mountPath"] == "/run/secrets" for m in init["volumeMounts"]))
check("the server sees the copies at CREDENTIALS_DIRECTORY",
      {"name": "CREDENTIALS_DIRECTORY", "value": "/run/secrets"} in container["env"] and
      mounts["/run/secrets"]["name"] == next(m["name"] for m in init["volumeMounts"]
                                             if m["mountPath"] == "/run/secrets"))
service_ports = {p["port"] for p in docs["Service"]["spec"]["ports"]}
check("the Service offers the API and metrics, not health",
      service_ports == {api_port, metrics_port}, service_ports)
policy = docs["NetworkPolicy"]["spec"]
allowed = {p["port"] for rule in policy["ingress"] for p in rule["ports"]}
check("the NetworkPolicy admits the API and metrics only",
      allowed == {api_port, metrics_port} and policy["egress"] == [] and
      set(policy["policyTypes"]) == {"Ingress", "Egress"}, allowed)

sys.exit(1 if failures else 0)
