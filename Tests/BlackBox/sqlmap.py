#!/usr/bin/env python3
"""sqlmap against search, registration, login and enrolment (forms with their CSRF tokens): it must find no injection.

Starts its own server on a fresh database with the login throttle raised, so that sqlmap's payloads reach the
database instead of stopping at a 429; stops it at the end. Every request sqlmap sends is logged, and counted:
none may get a 5xx, and none may be refused for its CSRF token (that would mean the forms were never tested).

Usage: sqlmap.py <lectern binary> <work folder with Content/>
"""
import os
import re
import signal
import subprocess
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(__file__))
import faults  # noqa: E402  (starting the server)
import suite  # noqa: E402  (the HTTP client and check helpers)

WORK = sys.argv[2]
OUTPUT = os.path.join(WORK, "sqlmap")
COURSE = "/courses/flask-framework-certificate"
PASSWORD = urllib.parse.quote(suite.PASSWORD)


def sqlmap(label, url, arguments, level):
    """Runs sqlmap on one target; returns (found an injection, finished, requests, statuses)."""
    traffic = os.path.join(OUTPUT, f"{label}.traffic")
    command = ["sqlmap", "-u", url, *arguments, f"--level={level}", "--risk=2", "--batch", "--flush-session", "--disable-coloring",
               "--output-dir", OUTPUT, "-t", traffic, "--timeout=10", "--retries=0"]
    run = subprocess.run(command, capture_output=True, text=True, timeout=600)
    output = run.stdout + run.stderr
    with open(os.path.join(OUTPUT, f"{label}.log"), "w") as log:
        log.write(" ".join(command) + "\n\n" + output)
    found = "identified the following injection point" in output or re.search(r"parameter '[^']+' is vulnerable", output) is not None
    finished = "do not appear to be injectable" in output
    statuses = {}
    with open(traffic, errors="replace") as log:
        for code in re.findall(r"^HTTP response \[#\d+\] \((\d{3})", log.read(), re.MULTILINE):
            statuses[code] = statuses.get(code, 0) + 1
    return found, finished, sum(statuses.values()), statuses


def main():
    binary = sys.argv[1]
    os.makedirs(OUTPUT, exist_ok=True)
    database = os.path.join(WORK, "sqlmap.sqlite")
    relaxed = {"LECTERN_LOGIN_FAILURES_PER_ACCOUNT": "1000", "LECTERN_LOGIN_FAILURES_PER_ADDRESS": "1000000",
               "LECTERN_MAIL_FORMS_PER_ADDRESS": "1000000"}
    process, _, url = faults.start(database, environment=relaxed)
    try:
        suite.use(url)
        learner, _ = suite.register_and_login("sqlmap-learner@example.com")
        session = learner.cookies.get("lectern_session", "")
        form = f"_csrf=x&password={PASSWORD}"
        targets = [
            ("search", f"{url}/search?q=flask", ["-p", "q"], 3),
            # A taken address: registering signs in, and a signed-in client would lose the form; this way every request
            # still reaches the account lookup and gets the form (or the login form) back.
            ("register", f"{url}/register",
             ["--data", f"name=Sql%20Map&email=sqlmap-learner%40example.com&{form}&password_confirmation={PASSWORD}", "--csrf-token=_csrf",
              f"--csrf-url={url}/register", "-p", "name,email,password"], 2),
            # A wrong password: a successful login would leave the login form behind a redirect.
            ("login", f"{url}/login",
             ["--data", "_csrf=x&email=sqlmap-learner%40example.com&password=wrong%20horse%20battery&next=%2Fdashboard", "--csrf-token=_csrf",
              f"--csrf-url={url}/login", "-p", "email,password,next"], 2),
            # The course slug in the path is the input; the session is the learner's.
            ("enrol", f"{url}{COURSE}*/enrol",
             ["--data", "_csrf=x", "--csrf-token=_csrf", f"--csrf-url={url}{COURSE}", "--cookie", f"lectern_session={session}",
              "--skip=_csrf"], 3),
        ]
        for label, target, arguments, level in targets:
            found, finished, requests, statuses = sqlmap(label, target, arguments, level)
            errors = sum(count for code, count in statuses.items() if code.startswith("5"))
            # 403: a form sent without a valid token; 429: the login throttle. Either would mean the payloads never reached SQL.
            refused = statuses.get("403", 0) + statuses.get("429", 0)
            summary = ", ".join(f"{code}: {count}" for code, count in sorted(statuses.items()))
            suite.check(
                f"sqlmap on {label} (level {level}, risk 2): no injection in {requests} requests ({summary})",
                not found and finished and errors == 0 and refused == 0 and requests > 100,
                f"found {found}, finished {finished}; see {OUTPUT}/{label}.log")
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    failed = [r for r in suite.results if not r[1]]
    print(f"\n{len(suite.results) - len(failed)} of {len(suite.results)} sqlmap checks passed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
