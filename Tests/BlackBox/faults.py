#!/usr/bin/env python3
"""Faults: a crash in the middle of writes loses nothing acknowledged; bad start-up conditions get one clear line.

Usage: faults.py <lectern binary> <work folder with Content/>
"""
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
import suite  # noqa: E402  (the HTTP client and check helpers)

BINARY, WORK = sys.argv[1], sys.argv[2]
CONTENT = os.path.join(WORK, "Content")


def start(database, content=CONTENT, wait=True, environment=None):
    log = open(os.path.join(WORK, "faults-server.log"), "w+")
    process = subprocess.Popen([BINARY, "serve", "--port", "0", "--db", database, "--content", content, "--public", "Public"],
                               stderr=log, stdout=subprocess.DEVNULL, env={**os.environ, **(environment or {})})
    if not wait:
        return process, log, None
    for _ in range(600):
        log.seek(0)
        match = re.search(r"is ready on (http://[0-9.:]+)", log.read())
        if match:
            return process, log, match.group(1)
        if process.poll() is not None:
            break
        time.sleep(0.05)
    if process.poll() is None:
        process.kill()
        process.wait()
    log.seek(0)
    raise RuntimeError("server did not start: " + log.read())


def lectern(*arguments):
    return subprocess.run([BINARY, *arguments], capture_output=True, text=True, timeout=60)


def crash_during_writes():
    database = os.path.join(WORK, "crash.sqlite")
    process, _, url = start(database)
    suite.use(url)
    acknowledged_users, acknowledged_enrolments, posts = [], [], [0]
    lock = threading.Lock()
    stop = threading.Event()

    def worker(number):
        index = 0
        while not stop.is_set():
            index += 1
            email = f"crash-{number}-{index}@example.com"
            try:
                client = suite.Client()
                status, headers, _ = client.submit(
                    "/register", "/register", {"name": "Crash Test", "email": email, "password": suite.PASSWORD,
                                               "password_confirmation": suite.PASSWORD})
                with lock:
                    posts[0] += 1
                # Registering signs in: a 303 to the dashboard acknowledges the account.
                if status == 303 and headers.get("location") == "/dashboard":
                    with lock:
                        acknowledged_users.append(email)
                else:
                    continue
                status, headers, _ = client.submit("/courses/flask-in-an-afternoon", "/courses/flask-in-an-afternoon/enrol", {})
                with lock:
                    posts[0] += 1
                if status == 303 and client.cookies.get("lectern_flash", "").startswith("enrolled."):
                    with lock:
                        acknowledged_enrolments.append(email)
            except Exception:
                pass  # the crash cuts requests off: only acknowledged ones count

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    deadline = time.time() + 90
    while posts[0] < 500 and time.time() < deadline:
        time.sleep(0.1)
    process.send_signal(signal.SIGKILL)
    process.wait()
    stop.set()
    for thread in threads:
        thread.join()
    sent = posts[0]

    restarted, _, _ = start(database)
    users = {u["email"] for u in json.loads(lectern("user", "list", "--json", "--db", database).stdout)}
    enrolled = {e["email"] for e in json.loads(lectern("enrolment", "list", "--json", "--db", database).stdout)}
    restarted.terminate()
    restarted.wait()
    lost_users = [u for u in acknowledged_users if u not in users]
    lost_enrolments = [e for e in acknowledged_enrolments if e not in enrolled]
    suite.check(
        f"kill -9 after {sent} register/enrol POSTs from 8 clients: all {len(acknowledged_users)} acknowledged accounts "
        f"and {len(acknowledged_enrolments)} enrolments are there after a restart",
        sent >= 500 and not lost_users and not lost_enrolments, f"sent {sent}, lost {lost_users[:3]} {lost_enrolments[:3]}")
    check = lectern("db", "check", "--db", database)
    suite.check("`lectern db check` is clean after the crash", check.returncode == 0, check.stderr.strip())


def refuses_to_start(label, database, content, expected):
    before = open(database, "rb").read() if database and os.path.exists(database) else None
    process, log, _ = start(database, content, wait=False)
    try:
        code = process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        code = "still running"
    log.seek(0)
    message = log.read().strip()
    after = open(database, "rb").read() if database and os.path.exists(database) else None
    suite.check(f"{label}: exits 1 with one clear line, database untouched",
                code == 1 and expected in message and len(message.splitlines()) == 1 and before == after,
                f"exit {code}: {message[:200]}")


def main():
    crash_during_writes()
    corrupt = os.path.join(WORK, "corrupt.sqlite")
    with open(corrupt, "wb") as file:
        file.write(b"this is not a database" * 100)
    refuses_to_start("a corrupt database file", corrupt, CONTENT, "is not a SQLite database")
    refuses_to_start("a missing Content/ folder", os.path.join(WORK, "fresh.sqlite"), os.path.join(WORK, "nowhere"), "does not exist")
    failed = [r for r in suite.results if not r[1]]
    print(f"\n{len(suite.results) - len(failed)} of {len(suite.results)} fault checks passed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
