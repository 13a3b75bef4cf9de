#!/usr/bin/env python3
"""Live connections from outside, as a program or an attacker would open them (standard library only: a raw
WebSocket handshake and frames): `/live` without an upgrade says what it is; another site's Origin is refused before
the upgrade; a wrong token is told so in the close frame; a program follows a course and gets an event written by the
CLI (another process) within half a second; a stopping server closes every socket with 1001.

Usage: live.py <lectern binary> <work folder with Content/>
"""
import base64
import json
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from faults import start  # noqa: E402  (starts a server of its own on a free port)
from suite import check, results  # noqa: E402

BINARY, WORK = sys.argv[1], sys.argv[2]
COURSE = "flask-in-an-afternoon"


class Socket:
    """One client WebSocket: `status` is the handshake's HTTP status; frames are sent masked, as a client must."""

    def __init__(self, url, headers=None):
        host, port = re.match(r"http://([0-9.]+):(\d+)", url).groups()
        self.sock = socket.create_connection((host, int(port)), timeout=5)
        key = base64.b64encode(os.urandom(16)).decode()
        lines = [f"GET /live HTTP/1.1", f"Host: {host}:{port}", "Upgrade: websocket", "Connection: Upgrade",
                 f"Sec-WebSocket-Key: {key}", "Sec-WebSocket-Version: 13"] + [f"{k}: {v}" for k, v in (headers or {}).items()]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1)
            if not chunk:
                break
            head += chunk
        self.status = int(head.split(b" ")[1]) if head else 0
        self.buffer = b""

    def send(self, value):
        data = json.dumps(value).encode()
        mask = os.urandom(4)
        header = bytes([0x81]) + (bytes([0x80 | len(data)]) if len(data) < 126 else bytes([0x80 | 126]) + struct.pack(">H", len(data)))
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def _read(self, count):
        while len(self.buffer) < count:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self.buffer += chunk
        data, self.buffer = self.buffer[:count], self.buffer[count:]
        return data

    def frame(self, timeout=5):
        """(opcode, payload) of the next data or close frame (pings are answered)."""
        self.sock.settimeout(timeout)
        while True:
            first, second = self._read(2)
            length = second & 0x7F
            if length == 126:
                length = struct.unpack(">H", self._read(2))[0]
            elif length == 127:
                length = struct.unpack(">Q", self._read(8))[0]
            payload = self._read(length)
            opcode = first & 0x0F
            if opcode == 0x9:
                continue
            return opcode, payload

    def message(self, timeout=5):
        opcode, payload = self.frame(timeout)
        if opcode == 0x8:
            code = struct.unpack(">H", payload[:2])[0] if len(payload) >= 2 else None
            return {"close": code, "reason": payload[2:].decode(errors="replace")}
        return json.loads(payload)

    def close(self):
        self.sock.close()


def plain_requests(url):
    try:
        urllib.request.urlopen(url + "/live", timeout=5)
        status, body = 200, ""
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read().decode()
    check("/live without an upgrade is a 426 problem document that says how to connect",
          status == 426 and "upgrade-required" in body and "subscribe" in body, f"{status} {body[:120]}")
    attacker = Socket(url, {"Origin": "https://evil.example"})
    check("another site's page is refused before the upgrade", attacker.status == 400, str(attacker.status))
    attacker.close()
    own = Socket(url, {"Origin": url})
    check("the site's own page is let in", own.status == 101, str(own.status))
    own.close()
    # `Upgrade` without `Connection: upgrade`, with a second request in the same packet: NIO's upgrader would act
    # on it while its parser read on, and give the next request's parts to the WebSocket decoder (a crash).
    host, port = re.match(r"http://([0-9.]+):(\d+)", url).groups()
    raw = socket.create_connection((host, int(port)), timeout=5)
    raw.sendall(f"GET /live HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                f"Sec-WebSocket-Version: 13\r\n\r\nGET /healthz HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
    time.sleep(0.3)
    answer = raw.recv(65536).decode(errors="replace")
    raw.close()
    alive = urllib.request.urlopen(url + "/healthz", timeout=5).status
    check("an Upgrade without Connection: upgrade is ignored (426, then the next request answered) and the server lives",
          answer.startswith("HTTP/1.1 426") and "HTTP/1.1 200" in answer and alive == 200, answer[:80])
    wrong = Socket(url, {"Authorization": "Bearer lct_notatoken"})
    closed = wrong.message() if wrong.status == 101 else {}
    check("a wrong token is told so in the close frame (4001)", closed.get("close") == 4001, str(closed))
    wrong.close()


def follows_a_course_written_elsewhere(url, database):
    program = Socket(url)
    program.send({"type": "subscribe", "topic": f"course:{COURSE}"})
    reply = program.message()
    check("a program follows a course's public topic", reply.get("type") == "subscribed", str(reply))
    program.send({"type": "subscribe", "topic": "me"})
    check("its own topic needs a sign-in or a token", program.message().get("error") == "sign-in-needed")
    email = "live-blackbox@example.com"
    made = subprocess.run([BINARY, "user", "create", email, "--name", "Live Learner", "--password-stdin", "--db", database],
                          input="correct horse battery staple\n", capture_output=True, text=True, timeout=60)
    began = time.monotonic()
    enrolled = subprocess.run([BINARY, "enrolment", "add", email, COURSE, "--db", database], capture_output=True, text=True, timeout=60)
    after_cli = time.monotonic()
    event = program.message(timeout=3)
    took = time.monotonic() - after_cli
    check(f"an enrolment made by the CLI reaches the socket within 500 ms ({took * 1000:.0f} ms after the command ended)",
          made.returncode == 0 and enrolled.returncode == 0 and event.get("event") == "enrolment.created" and took < 0.5,
          f"{made.stderr.strip()} {enrolled.stderr.strip()} {event}")
    check("the event names no learner", "Live" not in json.dumps(event) and "user" not in json.dumps(event), json.dumps(event))
    program.close()
    return event.get("id"), began


def stop_says_going_away():
    database = os.path.join(WORK, "live-stop.sqlite")
    process, _, url = start(database)
    try:
        sockets = [Socket(url) for _ in range(3)]
        for each in sockets:
            each.send({"type": "subscribe", "topic": f"course:{COURSE}"})
            each.message()
        process.send_signal(signal.SIGTERM)
        codes = []
        for each in sockets:
            try:
                codes.append(each.message(timeout=5).get("close"))
            except Exception as error:  # noqa: BLE001
                codes.append(repr(error))
            each.close()
        process.wait(timeout=20)
        check("a stopping server closes every live socket with 1001 (come back later)", codes == [1001] * 3, str(codes))
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def main():
    database = os.path.join(WORK, "live.sqlite")
    process, _, url = start(database)
    try:
        plain_requests(url)
        follows_a_course_written_elsewhere(url, database)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)
    stop_says_going_away()
    failed = [result for result in results if not result[1]]
    print(f"\n{len(results) - len(failed)} of {len(results)} live checks passed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
