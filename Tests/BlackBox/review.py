#!/usr/bin/env python3
"""Review findings, checked from outside: HTTP edges on static files (ranges, keep-alive framing, conditional requests,
hidden files, redirects, malformed bodies and Host headers), then account and page limits (login bursts, mail floods,
anonymous visitors writing nothing, notices from the query string, the page cache's memory, views from HEAD).

Starts its own server on 127.0.0.1 with a copy of Content/ and of Public/ that has hidden files, a symlink out of
Public/ and a file of unknown type planted in it, so it can also read the server's log and database. Rate limits are
per client address: each check that spends one connects from its own loopback address (127.0.0.x, still to
127.0.0.1), so the checks do not use up one another's allowance.

Usage: review.py <lectern binary> <work folder>
Prints one line per check; exits 1 when any check fails.
"""
import collections
import concurrent.futures
import json
import os
import random
import re
import shutil
import socket
import sqlite3
import string
import subprocess
import sys
import threading
import time
import urllib.parse

BINARY, WORK = os.path.abspath(sys.argv[1]), os.path.join(os.path.abspath(sys.argv[2]), "review")
REPOSITORY = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PUBLIC, CONTENT, DATABASE = os.path.join(WORK, "Public"), os.path.join(WORK, "Content"), os.path.join(WORK, "lectern.sqlite")
LOG = os.path.join(WORK, "server.log")
PASSWORD = "correct horse battery staple"
EMAIL = "review@example.com"
ROBOTS = b"User-agent: *\nAllow: /"  # 22 bytes, no final newline
results = []
PORT = 0
SERVER = None


def check(name, ok, detail=""):
    results.append((name, bool(ok), detail))
    print(("PASS " if ok else "FAIL ") + name + (f": {detail}" if detail else ""), flush=True)


# --- Raw HTTP ------------------------------------------------------------------------------------------------------

class Connection:
    """One socket to the server, from `source` (a loopback address). Reads responses exactly as framed."""

    def __init__(self, source="127.0.0.1", timeout=10):
        self.sock = socket.create_connection(("127.0.0.1", PORT), timeout=timeout, source_address=(source, 0))
        self.buffer = b""

    def send(self, data):
        self.sock.sendall(data)

    def fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise EOFError("connection closed")
        self.buffer += chunk

    def read_to_close(self):
        try:
            while True:
                self.fill()
        except EOFError:
            pass
        data, self.buffer = self.buffer, b""
        return data

    def read_head(self):
        while b"\r\n\r\n" not in self.buffer:
            self.fill()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        headers = []
        for line in lines[1:]:
            key, _, value = line.partition(":")
            headers.append((key.strip().lower(), value.strip()))
        parts = lines[0].split(" ", 2)
        status = int(parts[1]) if lines[0].startswith("HTTP/") and len(parts) > 1 and parts[1].isdigit() else None
        return lines[0], status, headers

    def read_response(self, method="GET"):
        """Status line, status, headers (lower-case names) and body, read by the response's own framing."""
        status_line, status, headers = self.read_head()
        fields = dict(headers)
        if method == "HEAD" or status in (204, 304) or (status or 0) < 200:
            body = b""
        elif "chunked" in fields.get("transfer-encoding", "").lower():
            body = b""
            while True:
                while b"\r\n" not in self.buffer:
                    self.fill()
                size_line, self.buffer = self.buffer.split(b"\r\n", 1)
                size = int(size_line.split(b";")[0], 16)
                while len(self.buffer) < size + 2:
                    self.fill()
                body, self.buffer = body + self.buffer[:size], self.buffer[size + 2:]
                if size == 0:
                    break
        elif "content-length" in fields:
            length = int(fields["content-length"])
            if length < 0:
                raise ValueError(f"negative Content-Length {length}")
            while len(self.buffer) < length:
                self.fill()
            body, self.buffer = self.buffer[:length], self.buffer[length:]
        else:
            body = self.read_to_close()
        return status_line, status, fields, body

    def close(self):
        self.sock.close()


def request_bytes(method, path, headers=(), version="HTTP/1.1", host=True, body=b""):
    lines = [f"{method} {path} {version}"]
    if host:
        lines.append(f"Host: 127.0.0.1:{PORT}")
    lines += [f"{key}: {value}" for key, value in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def exchange(method, path, headers=(), source="127.0.0.1", version="HTTP/1.1", host=True, body=b""):
    """One request with `Connection: close`; the body is everything up to the close, so a response that sends more or
    fewer bytes than its Content-Length says shows as `wire` != the declared length."""
    connection = Connection(source)
    try:
        connection.send(request_bytes(method, path, [*headers, ("Connection", "close")], version, host, body))
        status_line, status, headers_ = connection.read_head()
        wire = connection.read_to_close()
    finally:
        connection.close()
    return {"status": status, "line": status_line, "headers": dict(headers_), "all": headers_, "body": wire}


def framing_problem(response, method="GET"):
    """A description of what is wrong with the response's Content-Length, or None."""
    declared = response["headers"].get("content-length")
    if declared is None:
        return None
    try:
        length = int(declared)
    except ValueError:
        return f"Content-Length {declared!r}"
    if length < 0:
        return f"negative Content-Length {length}"
    sent = 0 if method == "HEAD" or response["status"] == 304 else length
    if len(response["body"]) != sent:
        return f"Content-Length {length} but {len(response['body'])} bytes sent"
    return None


class Client:
    """One visitor from one loopback address: keeps cookies, fills forms with their CSRF token (as suite.Client)."""

    def __init__(self, source="127.0.0.1", agent="review.py"):
        self.source, self.agent, self.cookies = source, agent, {}

    def request(self, method, path, fields=None, headers=()):
        body = urllib.parse.urlencode(fields).encode() if fields is not None else b""
        headers = [("User-Agent", self.agent), *headers]
        if self.cookies:
            headers.append(("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items())))
        if fields is not None:
            headers += [("Content-Type", "application/x-www-form-urlencoded"), ("Content-Length", str(len(body)))]
        response = exchange(method, path, headers, source=self.source, body=body)
        for key, value in response["all"]:
            if key == "set-cookie":
                name, _, rest = value.partition("=")
                if "Max-Age=0" in value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = rest.split(";")[0]
        return response["status"], response["headers"], response["body"].decode("utf-8", "replace")

    def csrf(self, form_path):
        _, _, page = self.request("GET", form_path)
        match = re.search(r'name="_csrf" value="([^"]*)"', page)
        return match.group(1) if match else ""


# --- The server ----------------------------------------------------------------------------------------------------

def prepare():
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    shutil.copytree(os.path.join(REPOSITORY, "Content"), CONTENT)
    shutil.copytree(os.path.join(REPOSITORY, "Public"), PUBLIC)
    plants = {".env": b"SECRET=1\n", ".git/config": b"[core]\n\tGITCONFIG-MARKER = true\n", "css/.hidden.css": b"/* HIDDEN-CSS-MARKER */\n",
              "notes.xyz": b"NOTES-XYZ-MARKER\n", "robots-noeol.txt": ROBOTS, "evil.example/index.html": b"<p>planted</p>\n"}
    for path, data in plants.items():
        os.makedirs(os.path.dirname(os.path.join(PUBLIC, path)), exist_ok=True)
        with open(os.path.join(PUBLIC, path), "wb") as file:
            file.write(data)
    with open(os.path.join(WORK, "secret.txt"), "w") as file:
        file.write("OUTSIDE-PUBLIC-MARKER\n")
    os.symlink(os.path.join(WORK, "secret.txt"), os.path.join(PUBLIC, "outside.txt"))


def start():
    global PORT, SERVER
    log = open(LOG, "w+")
    SERVER = subprocess.Popen([BINARY, "serve", "--port", "0", "--db", DATABASE, "--content", CONTENT, "--public", PUBLIC],
                              stderr=log, stdout=subprocess.DEVNULL)
    for _ in range(600):
        log.seek(0)
        match = re.search(r"is ready on http://[0-9.]+:([0-9]+)", log.read())
        if match:
            PORT = int(match.group(1))
            return
        if SERVER.poll() is not None:
            break
        time.sleep(0.05)
    stop()
    log.seek(0)
    raise RuntimeError("server did not start: " + log.read())


def stop():
    if SERVER is not None and SERVER.poll() is None:
        SERVER.terminate()
        try:
            SERVER.wait(timeout=15)
        except subprocess.TimeoutExpired:
            SERVER.kill()
            SERVER.wait(timeout=15)


def lectern(*arguments):
    return subprocess.run([BINARY, *arguments, "--db", DATABASE, "--content", CONTENT], capture_output=True, text=True, timeout=60)


def log_size():
    return os.path.getsize(LOG)


def error_lines(since):
    """Lines the server logged at error level (or worse) since byte `since` of its log."""
    with open(LOG, "rb") as file:
        file.seek(since)
        text = file.read().decode("utf-8", "replace")
    return [line for line in text.splitlines() if re.match(r"\S+ (error|critical) ", line) or "level=error" in line]


# --- HTTP edges on static files ------------------------------------------------------------------------------------

def ranges():
    full = exchange("GET", "/css/site.css")["body"]
    size = len(full)

    response = exchange("GET", "/css/site.css", [("Range", "bytes=-10")])
    expected = f"bytes {size - 10}-{size - 1}/{size}"
    got = f"{response['status']}, Content-Range {response['headers'].get('content-range')}, " \
          f"Content-Length {response['headers'].get('content-length')}, body {response['body'][-40:]!r}"
    check(f"Range bytes=-10 on a {size}-byte file: 206, {expected}, the last 10 bytes",
          response["status"] == 206 and response["headers"].get("content-range") == expected and response["body"] == full[-10:]
          and response["headers"].get("content-length") == "10", got)

    problems = []
    for value in [f"bytes={size}-", "bytes=99999999-"]:
        response = exchange("GET", "/css/site.css", [("Range", value)])
        problem = framing_problem(response)
        if response["status"] != 416 or response["headers"].get("content-range") != f"bytes */{size}" or problem:
            problems.append(f"{value}: {response['status']}, Content-Range {response['headers'].get('content-range')}, "
                            f"Content-Length {response['headers'].get('content-length')}{', ' + problem if problem else ''}")
    check(f"Range from the end of the file or past it: 416 with Content-Range bytes */{size}, no negative length",
          not problems, "; ".join(problems) or "both 416")

    response = exchange("GET", "/css/site.css", [("Range", "bytes=0-9")])
    check("Range bytes=0-9: 206 with the first 10 bytes",
          response["status"] == 206 and response["body"] == full[:10] and response["headers"].get("content-range") == f"bytes 0-9/{size}"
          and not framing_problem(response),
          f"{response['status']}, Content-Range {response['headers'].get('content-range')}, body {response['body'][:40]!r}")

    problems, seen = [], []
    for value in ["bytes=abc", "bytes=5-2", "bytes=0-1,4-5", "bytes=", "bytes=-", "bytes=--1", "items=0-1", "bytes=1-2-3"]:
        response = exchange("GET", "/css/site.css", [("Range", value)])
        status, fields, body = response["status"], response["headers"], response["body"]
        seen.append(f"{value} {status}")
        problem = framing_problem(response)
        if problem:
            problems.append(f"{value}: {problem}")
        elif status == 200:
            if body != full:
                problems.append(f"{value}: 200 without the full file ({len(body)} bytes)")
        elif status == 206:
            match = re.fullmatch(r"bytes (\d+)-(\d+)/(\d+)", fields.get("content-range", ""))
            if fields.get("content-type", "").startswith("multipart/byteranges"):
                pass  # framed by Content-Length, checked above
            elif not match or body != full[int(match.group(1)):int(match.group(2)) + 1] or int(match.group(3)) != size:
                problems.append(f"{value}: 206 with Content-Range {fields.get('content-range')} and {len(body)} bytes")
        elif status == 416:
            if value.startswith("items="):
                problems.append(f"{value}: 416 (a range unit the server does not know must be ignored)")
            elif fields.get("content-range", f"bytes */{size}") != f"bytes */{size}":
                problems.append(f"{value}: 416 with Content-Range {fields.get('content-range')}")
        else:
            problems.append(f"{value}: {status}")
    check("malformed and multiple ranges: 200 with the whole file, or 206/416 correctly framed",
          not problems, "; ".join(problems) or ", ".join(seen))


def keep_alive_framing():
    """After a Range response on a kept-alive connection, the next response starts exactly where the first ended."""
    problems, seen = [], []
    for value in ["bytes=-5", "bytes=0-", "bytes=5-", "bytes=-22", "bytes=-30", "bytes=21-", "bytes=0-0", "bytes=3-100", "bytes=22-"]:
        connection = Connection()
        try:
            connection.send(request_bytes("GET", "/robots-noeol.txt", [("Range", value)]))
            status_line, status, fields, body = connection.read_response()
            seen.append(f"{value} {status}/{len(body)}")
            if status == 206:
                match = re.fullmatch(r"bytes (\d+)-(\d+)/(\d+)", fields.get("content-range", ""))
                if not match or body != ROBOTS[int(match.group(1)):int(match.group(2)) + 1]:
                    problems.append(f"{value}: 206 {fields.get('content-range')} with {body!r}")
            if "close" in fields.get("connection", "").lower():
                continue  # framed by the close
            connection.send(request_bytes("GET", "/healthz"))
            while len(connection.buffer) < 9:
                connection.fill()
            if not connection.buffer.startswith(b"HTTP/1.1 "):
                problems.append(f"{value}: the next response starts with {connection.buffer[:12]!r}")
                continue
            _, status, _, body = connection.read_response()
            if status != 200 or body != b"ok":
                problems.append(f"{value}: then /healthz {status} {body[:20]!r}")
        except (OSError, EOFError, ValueError) as error:
            problems.append(f"{value}: {error.__class__.__name__} {error}")
        finally:
            connection.close()
    check("keep-alive: after a Range response for a file without a final newline the next response starts with HTTP/1.1",
          not problems, "; ".join(problems) or ", ".join(seen))


def conditional():
    response = exchange("GET", "/css/site.css")
    etag, modified = response["headers"].get("etag", ""), response["headers"].get("last-modified", "")
    statuses = {}
    for label, header in [("If-None-Match: <etag>", ("If-None-Match", etag)), ("If-None-Match: *", ("If-None-Match", "*")),
                          ("If-Modified-Since: <Last-Modified>", ("If-Modified-Since", modified))]:
        statuses[label] = exchange("GET", "/css/site.css", [header])["status"]
    check("conditional GETs of a static file get 304", all(s == 304 for s in statuses.values()),
          ", ".join(f"{k} -> {v}" for k, v in statuses.items()))
    check("static files carry a strong ETag", etag and not etag.startswith("W/"), f"ETag {etag}")


def hidden_files():
    markers = ["SECRET=1", "GITCONFIG-MARKER", "HIDDEN-CSS-MARKER", "OUTSIDE-PUBLIC-MARKER", "NOTES-XYZ-MARKER"]
    problems, seen = [], []
    for path in ["/.env", "/.git/config", "/.git/", "/css/.hidden.css", "/%2eenv", "/%2Eenv", "/css/%2ehidden.css", "/.git%2fconfig",
                 "/%2egit/config", "/outside.txt", "/notes.xyz"]:
        response = exchange("GET", path)
        body = response["body"].decode("utf-8", "replace")
        seen.append(f"{path} {response['status']}")
        if response["status"] != 404 or any(marker in body for marker in markers):
            problems.append(f"{path} {response['status']}" + (" (leaks the file)" if any(m in body for m in markers) else ""))
    check("dotfiles, a symlink out of Public/ and an unknown file type are 404", not problems, ", ".join(problems or seen))


def redirects():
    problems, seen = [], []
    for path in ["//css", "//css/", "///evil.example", "//evil.example", "//evil.example/x", "/%2F%2Fevil.example",
                 "/%2f%2fevil.example/", "/css//", "/\\evil.example", "/%5Cevil.example", "/%5C%5Cevil.example", "/evil.example"]:
        response = exchange("GET", path)
        location = response["headers"].get("location")
        seen.append(f"{path} {response['status']}" + (f" -> {location}" if location else ""))
        if location is not None:
            netloc = urllib.parse.urlsplit(location).netloc
            if location.startswith("//") or location.startswith("/\\") or location.startswith("\\") or \
                    (netloc and netloc != f"127.0.0.1:{PORT}"):
                problems.append(f"{path} -> {location}")
    check("no Location header leaves the site (// or /\\)", not problems, "; ".join(problems) or ", ".join(seen))


def malformed_chunked():
    before = log_size()
    seen, problems = [], []
    head = request_bytes("POST", "/login", [("Transfer-Encoding", "chunked"), ("Content-Type", "application/x-www-form-urlencoded")])
    for label, body, half_close in [("chunk size zz", b"zz\r\nhello\r\n0\r\n\r\n", False),
                                    ("chunk size of 21 hex digits", b"fffffffffffffffffffff\r\nhello\r\n0\r\n\r\n", False),
                                    ("chunk larger than the data, then close", b"ffff\r\nhello", True)]:
        connection = Connection()
        try:
            connection.send(head + body)
            if half_close:
                connection.sock.shutdown(socket.SHUT_WR)
            try:
                _, status, _, _ = connection.read_response()
            except EOFError:
                status = "closed without a response" if not connection.buffer else f"garbage {connection.buffer[:20]!r}"
        except OSError as error:
            status = f"{error.__class__.__name__}"
        finally:
            connection.close()
        seen.append(f"{label}: {status}")
        # A request whose body ends with the connection may get no answer at all; never a 500.
        if not (status == 400 or (half_close and status == "closed without a response")):
            problems.append(f"{label}: {status}")
    time.sleep(0.5)
    errors = error_lines(before)
    check("malformed chunked bodies get 400 and log no error",
          not problems and not errors, "; ".join(seen) + (f"; {len(errors)} error lines, first: {errors[0][:200]}" if errors else ""))


def host_headers():
    statuses = {}
    statuses["two Host headers"] = exchange("GET", "/healthz", [("Host", "127.0.0.1"), ("Host", "evil.example")], host=False)["status"]
    statuses["HTTP/1.1 without Host"] = exchange("GET", "/healthz", host=False)["status"]
    # HTTP/1.0 may omit Host (load balancers' health checks do); HTTP/1.1 may not.
    statuses["HTTP/1.0 without Host"] = exchange("GET", "/healthz", version="HTTP/1.0", host=False)["status"]
    statuses["HTTP/1.0 with Host"] = exchange("GET", "/healthz", version="HTTP/1.0")["status"]
    statuses["HTTP/1.0 with two Host headers"] = exchange(
        "GET", "/healthz", [("Host", "127.0.0.1"), ("Host", "evil.example")], version="HTTP/1.0", host=False)["status"]
    check("two Host headers, or none on HTTP/1.1, get 400; HTTP/1.0 without Host gets 200",
          statuses == {"two Host headers": 400, "HTTP/1.1 without Host": 400, "HTTP/1.0 without Host": 200, "HTTP/1.0 with Host": 200,
                       "HTTP/1.0 with two Host headers": 400},
          ", ".join(f"{k} -> {v}" for k, v in statuses.items()))


# --- Accounts and pages --------------------------------------------------------------------------------------------

def login_burst():
    client = Client("127.0.0.10")
    token = client.csrf("/register")
    status, headers, _ = client.request("POST", "/register", {"_csrf": token, "name": "Review Learner", "email": EMAIL,
                                                              "password": PASSWORD, "password_confirmation": PASSWORD})
    check("register through the form (303)", status == 303, f"{status} -> {headers.get('location')}")
    # Registering signed this client in; the burst comes from a visitor without a session.
    client = Client("127.0.0.10")
    token = client.csrf("/login")
    cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())

    def login_request(password):
        body = urllib.parse.urlencode({"_csrf": token, "email": EMAIL, "password": password, "next": "/account"}).encode()
        return request_bytes("POST", "/login", [("Cookie", cookie), ("Content-Type", "application/x-www-form-urlencoded"),
                                                ("Content-Length", str(len(body))), ("Connection", "close")], body=body)

    total, right = 150, 140  # the right password is the 141st request
    connections = [Connection("127.0.0.10", timeout=60) for _ in range(total)]
    outcomes = [None] * total
    barrier = threading.Barrier(right)
    sent = threading.Semaphore(0)

    def attempt(index):
        try:
            if index < right:
                barrier.wait(timeout=30)
            connections[index].send(login_request(PASSWORD if index == right else f"wrong password {index}"))
            sent.release()
            _, status, fields, _ = connections[index].read_response("POST")
            outcomes[index] = (status, fields.get("location", ""))
        except Exception as error:  # noqa: BLE001  (reported as the outcome)
            sent.release()
            outcomes[index] = (error.__class__.__name__, "")

    threads = [threading.Thread(target=attempt, args=(index,)) for index in range(right)]
    for thread in threads:
        thread.start()
    for _ in range(right):
        sent.acquire(timeout=30)
    later = [threading.Thread(target=attempt, args=(index,)) for index in range(right, total)]
    for thread in later:
        thread.start()
    for thread in threads + later:
        thread.join(timeout=90)
    for connection in connections:
        connection.close()
    wrong = collections.Counter(outcomes[i][0] for i in range(total) if i != right)
    not_refused = sum(count for status, count in wrong.items() if status != 429)
    right_status, right_location = outcomes[right] or ("no answer", "")
    detail = f"wrong passwords: {dict(wrong)}; right password (141st): {right_status}" + (f" -> {right_location}" if right_location else "")
    check(f"a burst of {total} concurrent logins: at most 5 wrong ones not refused with 429", not_refused <= 5, detail)
    check("the right password inside the burst does not sign in (429)", right_status == 429, detail)


def mail_flood():
    token_client = Client("127.0.0.11")
    token = token_client.csrf("/password/forgot")
    cookie = "; ".join(f"{k}={v}" for k, v in token_client.cookies.items())
    answers = [None] * 30

    def forgot(index):
        try:
            client = Client(f"127.0.1.{index + 1}")  # many clients, so the per-client limit does not answer instead
            client.cookies = dict(token_client.cookies)
            status, _, body = client.request("POST", "/password/forgot", {"_csrf": token, "email": EMAIL})
            answers[index] = (status, body.replace(token, ""))
        except Exception as error:  # noqa: BLE001
            answers[index] = (error.__class__.__name__, "")

    threads = [threading.Thread(target=forgot, args=(index,)) for index in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    statuses = collections.Counter(answer[0] if answer else None for answer in answers)
    bodies = {answer[1] for answer in answers if answer}
    check("30 password-reset requests for one address at once: every answer the same",
          len(statuses) == 1 and len(bodies) == 1, f"statuses {dict(statuses)}, {len(bodies)} different bodies")

    # 30 clients on 30 addresses: at most 3 reset messages from one network, and at most 10 messages of any kind to
    # one address an hour however many networks ask (the registration's welcome message is one of them).
    def all_to_address():
        listed = lectern("mail", "list", "--json", "--limit", "1000")
        try:
            return [m for m in json.loads(listed.stdout) if m.get("to") == EMAIL]
        except ValueError:
            return []

    resets, deadline = [], time.time() + 4
    while time.time() < deadline:
        messages = all_to_address()
        resets = [m for m in messages if m.get("subject", "").startswith("Choose a new")]
        if len(messages) > 10:
            break
        time.sleep(0.5)
    messages = all_to_address()
    check("30 networks asking for resets of one address: at most 10 messages reach it in the hour (and at least one reset)",
          1 <= len(resets) and len(messages) <= 10, f"{len(resets)} reset messages, {len(messages)} messages in all to {EMAIL}")

    before = len(all_to_address())
    one = Client("127.0.0.13")
    token = one.csrf("/register")
    one.request("POST", "/register", {"_csrf": token, "name": "Second Learner", "email": "second@example.com",
                                      "password": PASSWORD, "password_confirmation": PASSWORD})
    token = one.csrf("/password/forgot")
    for _ in range(6):
        one.request("POST", "/password/forgot", {"_csrf": token, "email": "second@example.com"})
    time.sleep(1.5)
    second = [m for m in json.loads(lectern("mail", "list", "--json", "--limit", "1000").stdout or "[]")
              if m.get("to") == "second@example.com" and m.get("subject", "").startswith("Choose a new")]
    check("one network asking 6 times: at most 3 reset messages to one address", 1 <= len(second) <= 3,
          f"{len(second)} reset messages to second@example.com (first address had {before})")

    client = Client("127.0.0.12")
    token = client.csrf("/password/forgot")
    statuses = [client.request("POST", "/password/forgot", {"_csrf": token, "email": f"nobody-{n}@example.com"})[0] for n in range(25)]
    check("after 20 mail-form posts from one client the next ones get 429",
          all(s == 429 for s in statuses[20:]) and statuses[0] != 429, f"posts 1-20: {dict(collections.Counter(statuses[:20]))}, "
                                                                        f"posts 21-25: {statuses[20:]}")


def session_rows():
    with sqlite3.connect(f"file:{DATABASE}?mode=ro", uri=True, timeout=10) as database:
        return database.execute("SELECT count(*) FROM sessions").fetchone()[0]


def anonymous_writes_nothing():
    before = session_rows()

    def visit(index):
        return exchange("GET", "/login" if index % 2 else "/register", source="127.0.0.13")["status"]

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        statuses = collections.Counter(pool.map(visit, range(300)))
    time.sleep(0.5)
    after = session_rows()
    check("300 cookie-less visits to /login and /register write no session row", after == before,
          f"sessions {before} -> {after}; statuses {dict(statuses)}")


def query_notices():
    _, _, courses = Client().request("GET", "/courses")
    slug = (re.findall(r'href="/courses/([a-z0-9-]+)"', courses) or ["flask-framework-certificate"])[0]
    _, _, course = Client().request("GET", f"/courses/{slug}?notice=enrolled")
    _, _, login = Client().request("GET", "/login?registered=1")
    shown = [f"/courses/{slug}?notice=enrolled shows 'You are enrolled'"] if "You are enrolled" in course else []
    shown += ["/login?registered=1 shows 'If that address was new'"] if "If that address was new" in login else []
    check("notices are not taken from the query string", not shown, "; ".join(shown) or "neither page shows a notice")


def resident_kilobytes():
    with open(f"/proc/{SERVER.pid}/status") as status:
        return int(re.search(r"VmRSS:\s+(\d+)", status.read()).group(1))


def page_cache_bounded():
    local = threading.local()
    alphabet = string.ascii_letters + string.digits

    def fetch(index):
        if not hasattr(local, "connection"):
            local.connection = Connection("127.0.0.14", timeout=30)
        junk = "".join(random.choices(alphabet, k=3000))
        path = f"/blog?page=1&junk={junk}" if index % 2 else f"/?x={junk[:40]}"
        for _ in range(2):
            try:
                local.connection.send(request_bytes("GET", path))
                return local.connection.read_response()[1]
            except (OSError, EOFError):
                local.connection.close()
                local.connection = Connection("127.0.0.14", timeout=30)
        return "failed"

    Client().request("GET", "/blog")
    Client().request("GET", "/")
    before, started = resident_kilobytes(), time.time()
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        statuses = collections.Counter(pool.map(fetch, range(2000)))
    after = resident_kilobytes()
    status, _, _ = Client().request("GET", "/blog")
    growth = (after - before) / 1024
    check("2,000 distinct page addresses grow the server's memory by under 40 MB, /blog still answers",
          growth < 40 and status == 200,
          f"VmRSS {before // 1024} -> {after // 1024} MB (+{growth:.1f} MB) in {time.time() - started:.1f} s; "
          f"statuses {dict(statuses)}; /blog then {status}")


def post_views(slug):
    stats = json.loads(lectern("post", "stats", "--json", "--limit", "1000").stdout)
    return next(post["views"] for post in stats["posts"] if post["slug"] == slug)


def head_is_not_a_view():
    stats = json.loads(lectern("post", "stats", "--json", "--limit", "1000").stdout)
    slug = stats["posts"][-1]["slug"]
    before = post_views(slug)
    client = Client("127.0.0.15", agent="Mozilla/5.0 (review.py views)")
    statuses = collections.Counter()
    for _ in range(10):
        statuses["HEAD " + str(exchange("HEAD", f"/blog/{slug}", [("User-Agent", client.agent)], source=client.source)["status"])] += 1
    for _ in range(10):
        statuses["GET " + str(client.request("GET", f"/blog/{slug}")[0])] += 1
    time.sleep(2.2)
    after = post_views(slug)
    check("10 HEADs and 10 GETs of a post from one visitor count at most 1 view", after - before <= 1,
          f"{slug}: views {before} -> {after}; {dict(statuses)}")


def main():
    prepare()
    start()
    print(f"review checks against http://127.0.0.1:{PORT} (log {LOG})", file=sys.stderr)
    try:
        for step in [ranges, keep_alive_framing, conditional, hidden_files, redirects, malformed_chunked, host_headers,
                     login_burst, mail_flood, anonymous_writes_nothing, query_notices, page_cache_bounded, head_is_not_a_view]:
            try:
                step()
            except Exception as error:  # noqa: BLE001  (one broken step must not hide the others)
                check(step.__name__, False, f"{error.__class__.__name__}: {error}")
    finally:
        stop()
    failed = [r for r in results if not r[1]]
    print(f"\n{len(results) - len(failed)} of {len(results)} review checks passed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
