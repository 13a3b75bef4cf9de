#!/usr/bin/env python3
"""A mixed soak: readers, logins and enrolments together for a while; no 5xx, no socket errors, and the server's
memory settles (growth under 20% from the end of the warm-up to the end). Memory is the least of several samples
over two seconds: each login's argon2 hash holds 19 MiB while it runs, and a single sample taken during one would
count a transient buffer as growth (it once read 73 -> 93 MiB that way).

With a lectern binary, database and content folder, an operator also runs CLI writes throughout (create a user,
enrol them, change a course's capacity, unpublish and republish a post, sync content, back up and check the
database): every command must succeed, and the server must still answer nothing with an error.

Usage: soak.py http://127.0.0.1:PORT <server pid> [seconds] [<lectern binary> <database> <content folder>]
"""
import os
import subprocess
import sys
import threading
import time
import urllib.parse

import suite

suite.use(sys.argv[1])
PID = int(sys.argv[2])
SECONDS = int(sys.argv[3]) if len(sys.argv) > 3 else 60
OPERATOR = sys.argv[4:7] if len(sys.argv) > 6 else None
WARMUP = 10


def rss_now():
    with open(f"/proc/{PID}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def rss_mib(samples=20, interval=0.1):
    """The server's resident memory without transient buffers: the least of `samples` readings."""
    readings = []
    for _ in range(samples):
        readings.append(rss_now())
        time.sleep(interval)
    return min(readings)


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
            status, _, _ = client.submit("/courses/flask-in-an-afternoon", "/courses/flask-in-an-afternoon/enrol", {})
            record(status)  # 303 when enrolled, 409 once the course is full: both fine
            status, _, _ = client.get("/dashboard")
            record(status)
        except Exception:
            record(error=True)


operator_runs = {"commands": 0, "rounds": 0, "failures": []}


def operator():
    """CLI writes against the database the server is using, one round after another."""
    binary, database, content = OPERATOR
    site = ["--db", database, "--content", content]
    backup = os.path.join(os.path.dirname(database), "soak-backup.sqlite")
    index = 0
    while not stop.is_set():
        index += 1
        email = f"soak-operator-{index}@example.com"
        commands = [
            (["user", "create", email, "--name", f"Operator {index}", "--password-stdin"], suite.PASSWORD + "\n"),
            (["enrolment", "add", email, "flask-framework-certificate"], None),
            (["course", "set-capacity", "flask-framework-certificate", "1000" if index % 2 else "none"], None),
            (["post", "unpublish", "websockets-with-flask"], None),
            (["post", "publish", "websockets-with-flask"], None),
            (["content", "sync"], None),
            (["db", "backup", backup, "--force"], None),
            (["db", "check"], None),
        ]
        for arguments, standard_input in commands:
            run = subprocess.run([binary, *arguments, *site], input=standard_input, capture_output=True, text=True, timeout=60)
            operator_runs["commands"] += 1
            if run.returncode != 0:
                operator_runs["failures"].append(f"{' '.join(arguments)}: exit {run.returncode}: {run.stderr.strip()[:160]}")
        operator_runs["rounds"] += 1


threads = [threading.Thread(target=reader, args=(n,)) for n in range(6)]
threads += [threading.Thread(target=login, args=(n,)) for n in range(2)]
threads += [threading.Thread(target=enrol, args=(n,)) for n in range(2)]
for thread in threads:
    thread.start()
time.sleep(WARMUP)
warm = rss_mib()
if OPERATOR:
    operator_thread = threading.Thread(target=operator)
    operator_thread.start()
    threads.append(operator_thread)
time.sleep(SECONDS)
end = rss_mib()
stop.set()
for thread in threads:
    thread.join()
growth = (end - warm) / warm * 100 if warm else 0
suite.check(f"{SECONDS} s mixed soak ({counts['requests']} requests: reads, logins, enrolments): no 5xx, no socket errors",
            counts["5xx"] == 0 and counts["socket errors"] == 0 and counts["requests"] > 1000, str(counts))
if OPERATOR:
    suite.check(
        f"during the soak, {operator_runs['commands']} CLI writes in {operator_runs['rounds']} rounds all succeeded "
        "(user create, enrolment add, set-capacity, unpublish/publish, content sync, db backup, db check)",
        not operator_runs["failures"] and operator_runs["rounds"] >= max(1, SECONDS // 20), "; ".join(operator_runs["failures"][:3]))
suite.check(f"server memory after the warm-up {warm:.1f} MiB, at the end {end:.1f} MiB: growth {growth:.1f}% (under 20%)", growth < 20)
failed = [r for r in suite.results if not r[1]]
print(f"\n{len(suite.results) - len(failed)} of {len(suite.results)} soak checks passed")
sys.exit(1 if failed else 0)
