#!/usr/bin/env python3
"""Storage faults: the database on a full disk (a small tmpfs), then on a read-only file system.

On a full disk, writes must get a clear 503 page and lose nothing, reads must keep working (for visitors and signed-in
learners), and once space returns the same server process must accept writes again. A read-only database must stop
the start with one clear line, leaving the file untouched.

Usage: storage.py <lectern binary> <work folder with Content/>
Run it in a private mount namespace (`unshare -m --propagation private` as root, `unshare -rm` otherwise): the file
systems it mounts disappear with it, whatever happens.
"""
import errno
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
import faults  # noqa: E402  (starting the server, running the CLI)
import suite  # noqa: E402  (the HTTP client and check helpers)

WORK = sys.argv[2]
DISK = os.path.join(WORK, "small-disk")
DATABASE = os.path.join(DISK, "lectern.sqlite")
FILLER = os.path.join(DISK, "filler")
COURSE = "/courses/flask-in-an-afternoon"
OTHER_COURSE = "/courses/docker-for-python-developers"
VIEWED_POST = "websockets-with-flask"


def mount_small_disk():
    os.makedirs(DISK, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m,mode=0755", "tmpfs", DISK], check=True)


def sql(statement):
    """Runs one statement on the database and closes the connection (an open one would keep the mount busy)."""
    connection = sqlite3.connect(DATABASE)
    try:
        row = connection.execute(statement).fetchone()
        connection.commit()
        return row
    finally:
        connection.close()


def fill_disk():
    """Writes a file until the file system says it is full. Returns the bytes written."""
    # Empty the write-ahead log first: SQLite reuses its space, so a full disk would otherwise only show once it grows.
    busy, _, _ = sql("PRAGMA wal_checkpoint(TRUNCATE)")
    if busy:
        raise RuntimeError("the write-ahead log could not be emptied (busy), so the disk would not look full to SQLite")
    written = 0
    chunk = b"\0" * 65536
    with open(FILLER, "wb", buffering=0) as filler:
        while True:
            try:
                written += filler.write(chunk)
            except OSError as error:
                if error.errno != errno.ENOSPC:
                    raise
                break
    return written


def register(email, client=None):
    """Registers through the form; a `client` that already holds the form (loaded earlier) posts it as it is."""
    fields = {"name": "Disk Test", "email": email, "password": suite.PASSWORD, "password_confirmation": suite.PASSWORD}
    if client is None:
        client = suite.Client()
        return client.submit("/register", "/register", fields)
    return client.request("POST", "/register", body={"_csrf": client.csrf(client.last_body), **fields})


def unreadable(client, paths):
    """The paths that do not answer 200, each with the status it got."""
    statuses = [(path, client.get(path)[0]) for path in paths]
    return [f"{path} {status}" for path, status in statuses if status != 200]


def account_exists(email):
    return faults.lectern("user", "show", email, "--db", DATABASE).returncode == 0


def full_disk():
    mount_small_disk()
    process, _, url = faults.start(DATABASE)
    suite.use(url)
    try:
        learner, status = suite.register_and_login("before-the-disk-filled@example.com")
        learner.submit(COURSE, COURSE + "/enrol", {})
        _, _, course_page = learner.get(COURSE)
        lessons = re.findall(r'href="(' + COURSE + r'/lessons/[^"]+)"', course_page)
        first_lesson = lessons[0] if lessons else COURSE + "/lessons/missing"

        form_loaded_earlier = suite.Client()
        form_loaded_earlier.get("/register")
        # Make the learner's session due for its last-seen write (done at most once a minute), so that signed-in
        # reading on the full disk really meets a failing write.
        sql("UPDATE sessions SET last_seen_at = strftime('%Y-%m-%d %H:%M:%f', 'now', '-5 minutes')")

        filled = fill_disk()
        print(f"(filled the disk: {filled // 1024} KiB)", flush=True)

        status, headers, body = register("while-the-disk-was-full@example.com", client=form_loaded_earlier)
        suite.check(
            "full disk: submitting the registration form gets 503 with a page that says it was not saved, and Retry-After",
            status == 503 and "it was not saved" in body and "retry-after" in headers, f"got {status}")
        status, _, body = suite.Client().get("/register")
        suite.check(
            "full disk: a new visitor still gets the registration form (200): showing a form writes nothing",
            status == 200 and 'name="_csrf"' in body, f"got {status}")
        status, _, body = learner.submit(OTHER_COURSE, OTHER_COURSE + "/request", {"note": "Written on a full disk"})
        suite.check("full disk: asking for a place gets 503, not 500", status == 503 and "Temporarily unavailable" in body, f"got {status}")

        anonymous = suite.Client()
        reads = ["/", "/blog", "/blog/async-views-in-flask", "/search?q=alembic+migrations", "/courses", COURSE, "/feed.xml", "/sitemap.xml"]
        failed = unreadable(anonymous, reads)
        suite.check(f"full disk: {len(reads)} pages still read for visitors (200)", not failed, "; ".join(failed))
        learner_reads = ["/dashboard", COURSE, first_lesson, "/account"]
        failed = unreadable(learner, learner_reads)
        suite.check(f"full disk: {len(learner_reads)} pages still read for a signed-in learner (200)", not failed, "; ".join(failed))

        for reader in range(5):  # five readers: one visitor's reloads count once
            anonymous.get("/blog/" + VIEWED_POST, headers={"User-Agent": f"Mozilla/5.0 (storage reader {reader})"})
        time.sleep(2.5)  # at least two flushes of the view counter fail while the disk is full

        os.remove(FILLER)
        time.sleep(2.5)  # the next flushes write the views kept in memory, in this same process
        with open(os.path.join(WORK, "faults-server.log")) as log:
            server_log = log.read()
        stats = json.loads(faults.lectern("post", "stats", "--json", "--db", DATABASE).stdout or "{}")
        views = next((post["views"] for post in stats.get("posts", []) if post["slug"] == VIEWED_POST), None)
        outage_lines = server_log.count("could not save post view counts")
        recovered = "post view counts are being saved again" in server_log
        suite.check(
            "views counted on the full disk are written by the running server once space returns; the outage is logged once",
            views == 5 and outage_lines == 1 and recovered, f"views {views}, outage lines {outage_lines}, recovery logged {recovered}")
        status, _, _ = register("after-space-returned@example.com")
        enrolled, _, _ = learner.submit(OTHER_COURSE, OTHER_COURSE + "/request", {"note": "Space is back"})
        _, login_status = suite.register_and_login("after-space-returned-2@example.com")
        suite.check(
            "space returns: the same server process registers (303), takes a request for a place (303) and signs in (303) again, without a restart",
            status == 303 and enrolled == 303 and login_status == 303 and process.poll() is None,
            f"register {status}, request {enrolled}, login {login_status}, server {'running' if process.poll() is None else 'stopped'}")
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)

    kept = [account_exists(email) for email in ("before-the-disk-filled@example.com", "after-space-returned@example.com")]
    refused = account_exists("while-the-disk-was-full@example.com")
    check = faults.lectern("db", "check", "--db", DATABASE)
    suite.check(
        "after the full disk: acknowledged accounts are there, the refused one is not, and `lectern db check` is clean",
        all(kept) and not refused and check.returncode == 0, f"kept {kept}, refused present {refused}, check: {check.stderr.strip()}")


def restart_on_full_disk():
    """Started on a disk with no byte free, SQLite cannot create the small -shm file it needs beside the database:
    one clear line and exit 1 (never a database recreated or damaged), then a normal start once there is space."""
    fill_disk()
    try:
        faults.refuses_to_start("a start on a completely full disk", DATABASE, faults.CONTENT, "the disk is full")
    finally:
        os.remove(FILLER)
    process, _, url = faults.start(DATABASE)
    suite.use(url)
    status, _, _ = suite.Client().get("/")
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)
    suite.check("with space again, the same database starts and serves", status == 200, f"got {status}")


def read_only_database():
    subprocess.run(["mount", "-o", "remount,ro", DISK], check=True)
    faults.refuses_to_start("a database on a read-only file system", DATABASE, faults.CONTENT, "is read-only")
    listing = faults.lectern("user", "list", "--db", DATABASE)
    suite.check("the CLI on a read-only database: exit 1 and one line naming the cause",
                listing.returncode == 1 and "read-only" in listing.stderr and len(listing.stderr.strip().splitlines()) == 1,
                f"exit {listing.returncode}: {listing.stderr.strip()[:200]}")


def main():
    full_disk()
    restart_on_full_disk()
    read_only_database()
    failed = [r for r in suite.results if not r[1]]
    print(f"\n{len(suite.results) - len(failed)} of {len(suite.results)} storage checks passed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
