#!/usr/bin/env python3
"""What can be proved of compose.yaml without a registry or a compose tool: that its parts fit together.

The instances are built from this Dockerfile and reach the `db` service with its user and database; nginx's config
file exists, passes `nginx -t`, and sends to exactly the instance services, at the port the image listens on; the
instances trust exactly nginx's fixed address, which lies in the network's subnet; every `service_healthy` waits on
a service that has a health check (the image's HEALTHCHECK for the instances).

Usage: Tests/Container/compose_check.py   (from the repository's root; needs PyPI's PyYAML or Debian's python3-yaml)
Prints one line per check; exits 1 when any fails.
"""
import ipaddress
import os
import re
import subprocess
import sys
import tempfile
import urllib.parse

import yaml

results = []


def check(name, ok, detail=""):
    results.append(bool(ok))
    print(("PASS " if ok else "FAIL ") + name + ("" if ok or not detail else f"  ({detail})"))


def environment(service):
    """A service's environment as a dict, with `${NAME:?…}` and `${NAME:-default}` filled in as compose would."""
    values = service.get("environment", {})
    if isinstance(values, list):
        values = dict(item.split("=", 1) for item in values)

    def fill(match):
        name, operator, word = match.group(1), match.group(2) or "", match.group(3) or ""
        return os.environ.get(name) or (word if operator == ":-" else f"<{name}>")

    return {key: re.sub(r"\$\{([A-Z_]+)(:[-?])?([^}]*)\}", fill, str(value)) for key, value in values.items()}


def main():
    compose = yaml.safe_load(open("compose.yaml", encoding="utf-8"))
    dockerfile = open("Dockerfile", encoding="utf-8").read()
    services = compose.get("services", {})
    apps = {name: s for name, s in services.items() if s.get("build") in (".", "./")}
    check(f"compose.yaml builds two or more instances from the Dockerfile ({', '.join(sorted(apps)) or 'none'})", len(apps) >= 2)

    db_name = next((name for name, s in services.items() if str(s.get("image", "")).startswith("postgres:")), None)
    check(f"compose.yaml has a PostgreSQL service ({db_name})", db_name is not None)
    if db_name:
        db_env = environment(services[db_name])
        for name, app in sorted(apps.items()):
            url = urllib.parse.urlsplit(environment(app).get("LECTERN_DATABASE_URL", ""))
            fits = (url.scheme == "postgres" and url.hostname == db_name and url.username == db_env.get("POSTGRES_USER")
                    and url.path.lstrip("/") == db_env.get("POSTGRES_DB"))
            check(f"{name} reaches the {db_name} service with its user and database", fits, url.geturl())

    port = re.search(r"LECTERN_PORT=(\d+)", dockerfile)
    check("the image says which port it listens on (LECTERN_PORT, EXPOSE)", port and f"EXPOSE {port.group(1)}" in dockerfile)
    nginx_name = next((name for name, s in services.items() if str(s.get("image", "")).startswith("nginx:")), None)
    check(f"compose.yaml has an nginx service ({nginx_name})", nginx_name is not None)
    if not (nginx_name and port):
        return 1
    nginx = services[nginx_name]
    mounted = [v.split(":")[0] for v in nginx.get("volumes", []) if str(v).split(":")[1] == "/etc/nginx/nginx.conf"]
    config_path = mounted[0] if mounted else ""
    check(f"nginx's config file is mounted and exists ({config_path})", config_path and os.path.isfile(config_path))
    if not (config_path and os.path.isfile(config_path)):
        return 1
    config = open(config_path, encoding="utf-8").read()
    upstreams = re.findall(r"upstream\s+(\S+)\s*\{(.*?)\}", config, re.S)
    for upstream, body in upstreams:
        servers = sorted(re.findall(r"^\s*server\s+(\S+)", body, re.M))
        wanted = sorted(f"{name}:{port.group(1)}" for name in apps)
        check(f"nginx's upstream {upstream} is exactly the instances at port {port.group(1)}", servers == wanted, f"{servers} against {wanted}")
    check("nginx has upstreams", bool(upstreams))

    # nginx -t on the same file, the service names standing for loopback (they resolve only on the compose network)
    # and the official image's user for Debian's.
    with tempfile.TemporaryDirectory() as work:
        local = re.sub(r"(server\s+)[a-z0-9_-]+(:\d+)", r"\g<1>127.0.0.1\2", config).replace("user nginx;", "user www-data;")
        open(os.path.join(work, "nginx.conf"), "w", encoding="utf-8").write(local)
        tested = subprocess.run(["nginx", "-t", "-q", "-e", "stderr", "-p", work, "-c", os.path.join(work, "nginx.conf"),
                                 "-g", f"pid {work}/nginx.pid;"], capture_output=True, text=True)
        check(f"{config_path} passes nginx -t", tested.returncode == 0, tested.stderr.strip()[-300:])

    networks = nginx.get("networks", {})
    addresses = [n.get("ipv4_address") for n in networks.values() if isinstance(n, dict)] if isinstance(networks, dict) else []
    subnets = [c["subnet"] for n in compose.get("networks", {}).values() for c in (n or {}).get("ipam", {}).get("config", [])]
    inside = bool(addresses) and all(any(ipaddress.ip_address(a) in ipaddress.ip_network(s) for s in subnets) for a in addresses)
    check(f"nginx has a fixed address in the network's subnet ({', '.join(addresses)} in {', '.join(subnets)})", inside)
    for name, app in sorted(apps.items()):
        trusted = environment(app).get("LECTERN_TRUSTED_PROXIES", "")
        check(f"{name} trusts exactly nginx's address as a proxy ({trusted})", sorted(trusted.replace(",", " ").split()) == sorted(addresses))

    healthy = {name for name, s in services.items() if s.get("healthcheck")} | (set(apps) if "HEALTHCHECK" in dockerfile else set())
    for name, service in sorted(services.items()):
        for wanted, condition in (service.get("depends_on") or {}).items():
            if (condition or {}).get("condition") == "service_healthy":
                check(f"{name} waits for {wanted} to be healthy, and {wanted} has a health check", wanted in healthy)

    print(f"\n{sum(results)} of {len(results)} compose checks passed", file=sys.stderr)
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
