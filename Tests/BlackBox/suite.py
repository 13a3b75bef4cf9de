#!/usr/bin/env python3
"""Black-box checks of a running Lectern, through HTTP only: a crawler, and what an attacker would try.

Usage: suite.py http://127.0.0.1:PORT
Prints one line per check and a summary; exits 1 when any check fails.
"""
import html
import http.client
import re
import socket
import sys
import time
import urllib.parse
from collections import deque

PASSWORD = "correct horse battery staple"
results = []
BASE, HOST, PORT = "", "", 0


def use(base):
    """Points every client at the server at `base`."""
    global BASE, HOST, PORT
    BASE = base.rstrip("/")
    HOST, PORT = urllib.parse.urlsplit(BASE).hostname, urllib.parse.urlsplit(BASE).port


def check(name, ok, detail=""):
    results.append((name, bool(ok), detail))
    print(("PASS " if ok else "FAIL ") + name + ("" if ok or not detail else f"  ({detail})"))


class Client:
    """One visitor: keeps the session cookie, fills forms with their CSRF token."""

    def __init__(self):
        self.cookies = {}
        self.last_body = ""

    def request(self, method, path, body=None, headers=None, raw_path=False):
        connection = http.client.HTTPConnection(HOST, PORT, timeout=30)
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None and not isinstance(body, bytes):
            body = urllib.parse.urlencode(body).encode()
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        connection.putrequest(method, path, skip_accept_encoding=True)
        for key, value in headers.items():
            connection.putheader(key, value)
        if body is not None:
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        data = response.read().decode("utf-8", "replace")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                cookie_value = rest.split(";")[0]
                if "Max-Age=0" in value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = cookie_value
        connection.close()
        self.last_body = data
        return response.status, dict((k.lower(), v) for k, v in response.getheaders()), data

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    def csrf(self, page):
        match = re.search(r'name="_csrf" value="([^"]*)"', page)
        return match.group(1) if match else ""

    def submit(self, form_path, action, fields, headers=None):
        _, _, page = self.get(form_path)
        return self.request("POST", action, body={"_csrf": self.csrf(page), **fields}, headers=headers)


def register_and_login(email, name="Black Box"):
    """Registers through the form, which signs the new account in; returns the client and the status (303 when done)."""
    client = Client()
    status, _, _ = client.submit(
        "/register", "/register", {"name": name, "email": email, "password": PASSWORD, "password_confirmation": PASSWORD, "next": "/dashboard"})
    return client, status


# --- Crawler -------------------------------------------------------------------------------------------------------

def crawl(client, label, limit=600):
    """Follows every internal link and asset from /; no 404 and no 5xx anywhere."""
    seen, queue, bad = set(), deque(["/"]), []
    while queue and len(seen) < limit:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        status, headers, body = client.get(path)
        if status == 404 or status >= 500:
            bad.append(f"{path} {status}")
            continue
        if "text/html" not in headers.get("content-type", ""):
            continue
        for link in re.findall(r'(?:href|src)="([^"#]*)', body):
            link = html.unescape(link)
            if not link.startswith("/") or link.startswith("//"):
                continue
            if link not in seen:
                queue.append(link)
    check(f"crawler ({label}): {len(seen)} addresses, none 404 or 5xx", not bad and len(seen) > 30, "; ".join(bad[:5]))


# --- Attacks -------------------------------------------------------------------------------------------------------

def traversal():
    client = Client()
    paths = [
        "/../Package.swift", "/%2e%2e/Package.swift", "/%2e%2e%2fPackage.swift", "/css/..%2f..%2fPackage.swift",
        "/css/%2e%2e/%2e%2e/Package.swift", "/css/site.css%00.jpg", "/%00", "/css/site.css%00", "/..%5c..%5cPackage.swift",
        "/css/%252e%252e/%252e%252e/Package.swift", "/....//....//Package.swift", "/css/../../Package.swift",
        "/%c0%ae%c0%ae/Package.swift", "/etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    ]
    leaks = []
    for path in paths:
        status, _, body = client.get(path)
        if status == 200 or "swift-tools-version" in body or "root:x:" in body:
            leaks.append(f"{path} {status}")
    check(f"static-file traversal refused ({len(paths)} paths)", not leaks, "; ".join(leaks))


def oversized():
    client = Client()
    _, _, page = client.get("/login")
    big = b"_csrf=" + client.csrf(page).encode() + b"&email=a%40example.com&password=" + b"x" * (3 * 1024 * 1024)
    try:
        status, _, _ = client.request("POST", "/login", body=big, headers={"Content-Type": "application/x-www-form-urlencoded"})
    except (ConnectionError, http.client.HTTPException) as error:
        status = f"connection closed ({error.__class__.__name__})"
    check("a 3 MiB form body gets 413", status == 413, f"got {status}")

    try:
        status, _, _ = client.get("/", headers={"X-Padding": "a" * (96 * 1024)})
    except (ConnectionError, http.client.HTTPException) as error:
        status = f"connection closed ({error.__class__.__name__})"
    check("a 96 KiB header gets 431 or 400", status in (431, 400), f"got {status}")
    status, _, _ = Client().get("/healthz")
    check("the server still answers after oversized requests", status == 200)


def csrf():
    client = Client()
    client.get("/login")
    status, _, _ = client.request("POST", "/login", body={"email": "a@example.com", "password": PASSWORD})
    check("POST /login without a CSRF token is refused (403)", status == 403, f"got {status}")
    status, _, _ = client.submit("/login", "/login", {"email": "a@example.com", "password": PASSWORD}, headers={"Origin": "http://evil.example"})
    check("POST /login from a foreign Origin is refused (403)", status == 403, f"got {status}")
    status, _, _ = client.submit(
        "/login", "/login", {"email": "a@example.com", "password": PASSWORD}, headers={"Sec-Fetch-Site": "cross-site"})
    check("POST /login marked cross-site is refused (403)", status == 403, f"got {status}")
    learner, _ = register_and_login("csrf-victim@example.com")
    status, _, _ = learner.request("POST", "/courses/flask-framework-certificate/enrol", body={"_csrf": "forged"})
    check("POST enrol with a forged token is refused (403)", status == 403, f"got {status}")
    status, _, _ = learner.request("POST", "/account/password", body={"current_password": PASSWORD, "password": "x" * 20})
    check("POST password change without a token is refused (403)", status == 403, f"got {status}")
    _, _, course = learner.get("/courses/flask-framework-certificate")
    check("after the forged POST the learner is still not enrolled", "Start the first lesson" not in course and "Continue learning" not in course)


def xss():
    payloads = ["<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "'><svg onload=alert(1)>", "javascript:alert(1)"]
    found = []
    for index, payload in enumerate(payloads):
        client, status = register_and_login(f"xss{index}@example.com", name=payload[:100])
        for path in ["/account", "/dashboard"]:
            _, _, body = client.get(path)
            if payload in body and payload != "javascript:alert(1)":
                found.append(f"name on {path}: {payload}")
        _, _, body = Client().get("/search?q=" + urllib.parse.quote(payload))
        if payload in body and payload != "javascript:alert(1)":
            found.append(f"search: {payload}")
    _, _, post = Client().get("/blog/hostile-front-matter")
    for needle in ["<script>alert", "<img src=x onerror", "<svg onload", "<iframe", "href=\"javascript:", "src=\"javascript:", "href=\"data:"]:
        if needle in post:
            found.append(f"front matter or Markdown: {needle}")
    check(f"XSS payloads come back escaped or removed ({len(payloads)} in names and searches, 7 in a post)", not found, "; ".join(found))


def sql_injection_probes():
    """Quick probes (sqlmap runs separately when installed): quotes and boolean tricks must not change behaviour."""
    client = Client()
    problems = []
    for q in ["'", "\"", "' OR '1'='1", "flask' --", "flask\" OR 1=1 --", "*", "NEAR(", ")", "flask AND", "^"]:
        status, _, body = client.get("/search?q=" + urllib.parse.quote(q))
        if status >= 500 or "SQLITE_" in body or "fts5: syntax error" in body or "syntax error" in body.lower():
            problems.append(f"search {q!r}: {status}")
    status, _, _ = Client().submit("/login", "/login", {"email": "' OR '1'='1", "password": "' OR '1'='1"})
    if status == 303:
        problems.append("login with ' OR '1'='1 succeeded")
    check("search and login shrug off SQL-looking input (no 5xx, no login)", not problems, "; ".join(problems))


def slow_client_does_not_block():
    """A few connections that send headers a byte at a time must not stop another client being served."""
    sockets = []
    for _ in range(50):
        s = socket.create_connection((HOST, PORT), timeout=5)
        s.send(b"GET / HTTP/1.1\r\nHost: x\r\n")
        sockets.append(s)
    start = time.time()
    status, _, _ = Client().get("/healthz")
    elapsed = time.time() - start
    for s in sockets:
        s.close()
    check("50 half-open connections do not stop a probe (answered in < 1 s)", status == 200 and elapsed < 1, f"{status} in {elapsed:.2f} s")


def main():
    use(sys.argv[1])
    crawl(Client(), "anonymous")
    learner, status = register_and_login("crawler@example.com", name="Crawling Learner")
    check("registering signs in and redirects (303)", status == 303, f"got {status}")
    learner.submit("/courses/flask-in-an-afternoon", "/courses/flask-in-an-afternoon/enrol", {})
    crawl(learner, "logged in and enrolled")
    traversal()
    oversized()
    csrf()
    xss()
    sql_injection_probes()
    slow_client_does_not_block()
    failed = [r for r in results if not r[1]]
    print(f"\n{len(results) - len(failed)} of {len(results)} black-box checks passed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
