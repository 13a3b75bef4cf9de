#!/usr/bin/env python3
"""A mixed soak: readers, logins and enrolments together for a while; no 5xx, no socket errors, and the server's
memory settles (growth under 20% from the end of the warm-up to the end).

Usage: soak.py http://127.0.0.1:PORT <server pid> [seconds]
"""
import sys
import threading
import time
import urllib.parse

import suite

suite.use(sys.argv[1])
PID = int(sys.argv[2])
SECONDS = int(sys.argv[3]) if len(sys.argv) > 3 else 60
WARMUP = 10


def rss_mib():
    with open(f"/proc/{PID}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


counts = {"requests": 0, "5xx": 0, "socket errors": 0}
lock = threading.Lock()
stop = threading.Event()


def record(status=None, error=False):
    with lock:
        counts["requests"] += 1
        if error:
            counts["socket errors"] += 1
        elif status >= 500:
            counts["5xx"] += 1


def reader(number):
    client = suite.Client()
    paths = ["/", "/blog", "/blog?page=2", "/blog/async-views-in-flask", "/search?q=flask", "/search?q=" + urllib.parse.quote(f"docker {number}"),
             "/courses", "/courses/flask-framework-certificate", "/feed.xml", "/healthz"]
    index = 0
    while not stop.is_set():
        index += 1
        try:
            status, _, _ = client.get(paths[index % len(paths)])
            record(status)
        except Exception:
            record(error=True)


def login(number):
    email = f"soak-login-{number}@example.com"
    client, _ = suite.register_and_login(email)
    while not stop.is_set():
        try:
            fresh = suite.Client()
            status, _, _ = fresh.submit("/login", "/login", {"email": email, "password": suite.PASSWORD, "next": "/dashboard"})
            record(status)
            status, _, _ = fresh.get("/dashboard")
            record(status)
        except Exception:
            record(error=True)


def enrol(number):
    index = 0
    while not stop.is_set():
        index += 1
        try:
            client, status = suite.register_and_login(f"soak-enrol-{number}-{index}@example.com")
            record(status)
            status, _, _ = client.submit("/courses/docker-for-python-developers", "/courses/docker-for-python-developers/enrol", {})
            record(status)  # 303 when enrolled, 409 once the course is full: both fine
            status, _, _ = client.get("/dashboard")
            record(status)
        except Exception:
            record(error=True)


threads = [threading.Thread(target=reader, args=(n,)) for n in range(6)]
threads += [threading.Thread(target=login, args=(n,)) for n in range(2)]
threads += [threading.Thread(target=enrol, args=(n,)) for n in range(2)]
for thread in threads:
    thread.start()
time.sleep(WARMUP)
warm = rss_mib()
time.sleep(SECONDS)
end = rss_mib()
stop.set()
for thread in threads:
    thread.join()
growth = (end - warm) / warm * 100 if warm else 0
suite.check(f"{SECONDS} s mixed soak ({counts['requests']} requests: reads, logins, enrolments): no 5xx, no socket errors",
            counts["5xx"] == 0 and counts["socket errors"] == 0 and counts["requests"] > 1000, str(counts))
suite.check(f"server memory after the warm-up {warm:.1f} MiB, at the end {end:.1f} MiB: growth {growth:.1f}% (under 20%)", growth < 20)
failed = [r for r in suite.results if not r[1]]
print(f"\n{len(suite.results) - len(failed)} of {len(suite.results)} soak checks passed")
sys.exit(1 if failed else 0)
