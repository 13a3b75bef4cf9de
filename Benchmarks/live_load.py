#!/usr/bin/env python3
"""Load benchmark of Lectern's live connections (`GET /live`), the four targets of the live issue:

1. N WebSockets (2,000 by default) all subscribed to one course topic: every event reaches every subscriber, p99
   latency under 200 ms. Latency: the time a subscriber's bytes reach this process minus the time just before the
   API request that caused the event was sent, both on this process's monotonic clock.
2. The server's resident memory grows by less than 40 KiB per connection (VmRSS of the server's pid, before the
   sockets open and after all are open and subscribed).
3. A page (wrk, as Benchmarks/run measures pages) keeps its p99 within 2x of its idle p99 while the sockets are open
   and events flow.
4. 100 clients disconnect, miss different numbers of events, reconnect with `after` = their last id, and each receives
   exactly what it missed (compared with an observer that stays connected), nothing twice.

Events are enrolments and departures of a few accounts through the REST API (in process: the server sends them at
once), alternating, from personal access tokens with the `learn` scope: pass them with --token, or let the script
make accounts and tokens with the CLI (--lectern and --db). Every account leaves the course first, so each request
makes exactly one event.

Usage (the server started with LECTERN_LIVE_CONNECTIONS_PER_NETWORK=5000, a raised LECTERN_API_REQUESTS_PER_MINUTE
and `ulimit -n 65536`):
    .build/api-tools/bin/python Benchmarks/live_load.py --url http://127.0.0.1:8080 --pid <server pid> \\
        --course flask-in-an-afternoon --lectern .build/debug/lectern --db db/lectern.sqlite
or with tokens made beforehand: --token lct_… --token lct_… (instead of --lectern and --db). Benchmarks/run runs it
last, on the benchmark server and benchmark-open-course.
Prints one line per measurement, then the targets; exits 1 when a target fails, 2 when the run could not be made.
Needs the `websockets` package (15 or later) and wrk.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import resource
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

try:
    from websockets.client import ClientProtocol
    from websockets.frames import Opcode
    from websockets.http11 import Response
    from websockets.protocol import State
    from websockets.uri import parse_uri
except ImportError:  # pragma: no cover - said plainly, Benchmarks/run installs it
    sys.exit("live_load.py needs the websockets package (pip install 'websockets>=15')")


class Abort(Exception):
    """The run cannot go on (server unreachable, a request refused): exit 2 with the reason."""


def percentile(values: list[float], q: float) -> float:
    """The nearest-rank percentile (q in 0..100) of values, nan for none."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))]


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise Abort(f"no VmRSS in /proc/{pid}/status")


def open_files_limit(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/limits") as limits:
            for line in limits:
                if line.startswith("Max open files"):
                    soft = line.split()[3]
                    return None if soft == "unlimited" else int(soft)
    except OSError:
        return None
    return None


def raise_own_open_files(wanted: int) -> int:
    """Raises this process's RLIMIT_NOFILE to `wanted` if it can; returns the soft limit it now has."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft >= wanted and soft != resource.RLIM_INFINITY:
        return soft
    if soft == resource.RLIM_INFINITY:
        return wanted
    try:
        if hard == resource.RLIM_INFINITY or hard >= wanted:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
        else:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, wanted))  # root only
    except (ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


class Subscriber(asyncio.Protocol):
    """One live connection on the websockets sans-I/O protocol. Each chunk of bytes is timed as it arrives, before
    any parsing, so the latency measured is the server's plus the network's, not this process's queueing of 2,000
    coroutine wake-ups."""

    def __init__(self, bench: Bench, uri: str):
        self.bench = bench
        self.protocol = ClientProtocol(parse_uri(uri), max_size=1 << 20)
        loop = asyncio.get_running_loop()
        self.opened: asyncio.Future = loop.create_future()
        self.answered: asyncio.Future | None = None
        self.closed: asyncio.Future = loop.create_future()
        self.transport: asyncio.Transport | None = None
        self.times: dict[int, float] = {}  # event id -> when it arrived
        self.order: list[int] = []  # event ids as they arrived
        self.duplicates = 0
        self.position: int | None = None
        self.listening = True
        self.fragments: list[bytes] | None = None
        self.close_code: int | None = None
        self.on_event = None  # callback(id) for the observer
        self.resumed_after: int | None = None  # the `after` it subscribed with

    # asyncio.Protocol

    def connection_made(self, transport):
        self.transport = transport
        self.protocol.send_request(self.protocol.connect())
        self.flush()

    def data_received(self, data):
        now = time.monotonic()
        self.protocol.receive_data(data)
        self.handle(now)

    def eof_received(self):
        self.protocol.receive_eof()
        self.handle(time.monotonic())

    def connection_lost(self, exc):
        self.listening = False
        failure = ConnectionError(f"connection lost (close code {self.close_code})")
        for future in (self.opened, self.answered):
            if future is not None and not future.done():
                future.set_exception(failure)
                future.exception()  # retrieved: no "never retrieved" warning if nobody waits any more
        if not self.closed.done():
            self.closed.set_result(None)

    # The protocol

    def handle(self, now: float):
        for event in self.protocol.events_received():
            if isinstance(event, Response):
                if self.opened.done():
                    continue
                if self.protocol.handshake_exc is not None:
                    self.opened.set_exception(ConnectionError(f"handshake refused: {event.status_code} {event.reason_phrase}"))
                else:
                    self.opened.set_result(None)
            elif event.opcode is Opcode.TEXT:
                if event.fin:
                    self.message(now, event.data)
                else:
                    self.fragments = [event.data]
            elif event.opcode is Opcode.CONT and self.fragments is not None:
                self.fragments.append(event.data)
                if event.fin:
                    self.message(now, b"".join(self.fragments))
                    self.fragments = None
            elif event.opcode is Opcode.CLOSE:
                rcvd = self.protocol.close_rcvd
                self.close_code = rcvd.code if rcvd else None
        self.flush()

    def flush(self):
        if self.transport is None or self.transport.is_closing():
            return
        for data in self.protocol.data_to_send():
            if data:
                self.transport.write(data)
            elif self.transport.can_write_eof():
                self.transport.write_eof()
        if self.protocol.state is State.CLOSED:
            self.transport.close()

    def message(self, now: float, data: bytes):
        message = json.loads(data)
        kind = message.get("type")
        if kind == "event":
            if not self.listening:
                return
            event_id = message["id"]
            if event_id in self.times:
                self.duplicates += 1
            else:
                self.times[event_id] = now
                self.bench.deliveries[event_id] += 1
            self.order.append(event_id)
            if self.on_event is not None:
                self.on_event(event_id)
        elif kind == "subscribed":
            self.position = message.get("position")
            if self.answered is not None and not self.answered.done():
                self.answered.set_result(message)
        elif kind == "error":
            if self.answered is not None and not self.answered.done():
                self.answered.set_exception(RuntimeError(f"{message.get('error')}: {message.get('detail')}"))

    # What the benchmark does with it

    def subscribe(self, topic: str, after: int | None):
        command = {"type": "subscribe", "topic": topic}
        if after is not None:
            command["after"] = after
        self.answered = asyncio.get_running_loop().create_future()
        self.protocol.send_text(json.dumps(command).encode())
        self.flush()

    @property
    def last_id(self) -> int | None:
        """The id a client resumes from: the newest event it received, or where it was told it stands."""
        return max(self.order) if self.order else self.position

    async def close(self, timeout: float = 3.0):
        self.listening = False
        if self.transport is None or self.transport.is_closing():
            return
        if self.protocol.state is State.OPEN:
            self.protocol.send_close()
            self.flush()
        try:
            await asyncio.wait_for(asyncio.shield(self.closed), timeout)
        except asyncio.TimeoutError:
            self.transport.abort()


class Api:
    """A keep-alive HTTP/1.1 connection for the enrol and leave requests; each request is timed from just before
    it is written."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, token: str) -> tuple[int, bytes, float]:
        for attempt in (1, 2):
            if self.writer is None or self.writer.is_closing():
                self.reader, self.writer = await asyncio.wait_for(asyncio.open_connection(self.host, self.port), 5)
            head = (
                f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nAuthorization: Bearer {token}\r\n"
                f"Accept: application/json\r\nContent-Length: 0\r\n\r\n"
            ).encode()
            started = time.monotonic()
            try:
                self.writer.write(head)
                await self.writer.drain()
                status, body = await asyncio.wait_for(self.response(), 10)
                return status, body, started
            except (ConnectionError, asyncio.IncompleteReadError, EOFError):
                self.writer.close()
                self.writer = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    async def response(self) -> tuple[int, bytes]:
        line = await self.reader.readline()
        if not line:
            raise EOFError("the server closed the connection")
        status = int(line.split()[1])
        headers = {}
        while (line := await self.reader.readline()) not in (b"\r\n", b"\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        if status in (204, 304) or 100 <= status < 200:
            body = b""
        elif "chunked" in headers.get("transfer-encoding", "").lower():
            body = b""
            while True:
                size = int((await self.reader.readline()).split(b";")[0], 16)
                chunk = await self.reader.readexactly(size + 2)
                if size == 0:
                    break
                body += chunk[:-2]
        else:
            body = await self.reader.readexactly(int(headers.get("content-length", "0")))
        if headers.get("connection", "").lower() == "close":
            self.writer.close()
            self.writer = None
        return status, body

    def close(self):
        if self.writer is not None:
            self.writer.close()


class Bench:
    def __init__(self, args):
        self.args = args
        url = urlsplit(args.url)
        self.host = url.hostname or "127.0.0.1"
        self.port = url.port or 80
        self.ws_uri = f"ws://{self.host}:{self.port}/live"
        self.topic = f"course:{args.course}"
        self.enrolment_path = f"/api/v1/courses/{args.course}/enrolment"
        self.deliveries: Counter[int] = Counter()  # event id -> subscribers that received it
        self.api = Api(self.host, self.port)
        self.tokens: list[str] = []
        self.enrolled: list[bool] = []
        self.requests = 0
        self.observer: Subscriber | None = None
        self.observed = asyncio.Event()
        self.failures: list[str] = []
        self.notes: list[str] = []

    # Setting up

    def make_tokens(self):
        if self.args.token:
            self.tokens = list(self.args.token)
        elif self.args.lectern and self.args.db:
            for number in range(1, self.args.accounts + 1):
                email = f"live-load-{number}@bench.example"
                # Already there from an earlier run: the create fails, the token is made all the same.
                subprocess.run(
                    [self.args.lectern, "user", "create", email, "--name", f"Live load {number}", "--password-stdin", "--db", self.args.db],
                    input="live load benchmark 2026\n", capture_output=True, text=True, timeout=60)
                made = subprocess.run(
                    [self.args.lectern, "token", "create", email, "--scope", "learn", "--name", "live load benchmark", "--db", self.args.db],
                    capture_output=True, text=True, timeout=60)
                if made.returncode != 0 or not made.stdout.strip():
                    raise Abort(f"could not make a token for {email}: {made.stderr.strip()}")
                self.tokens.append(made.stdout.strip())
        else:
            raise Abort("give --token (learn scope, repeatable) or --lectern and --db to make accounts and tokens")
        self.enrolled = [True] * len(self.tokens)  # unknown: each leaves first

    async def reset(self):
        """Every account leaves the course, so that each request from now on makes exactly one event."""
        for index, token in enumerate(self.tokens):
            status, body, _ = await self.api.request("DELETE", self.enrolment_path, token)
            if status != 204:
                raise Abort(f"leaving {self.args.course} answered {status}: {body[:300].decode(errors='replace')}")
            self.enrolled[index] = False

    async def open_subscriber(self, after: int | None = None) -> Subscriber:
        loop = asyncio.get_running_loop()
        _, subscriber = await asyncio.wait_for(loop.create_connection(lambda: Subscriber(self, self.ws_uri), self.host, self.port), 10)
        try:
            await asyncio.wait_for(asyncio.shield(subscriber.opened), 10)
            subscriber.resumed_after = after
            subscriber.subscribe(self.topic, after)
            await asyncio.wait_for(asyncio.shield(subscriber.answered), 10)
        except BaseException:
            subscriber.transport.abort()
            raise
        return subscriber

    async def open_many(self, count: int, afters: list[int | None] | None = None) -> tuple[list[Subscriber], Counter]:
        gate = asyncio.Semaphore(self.args.connect_concurrency)

        async def one(index: int):
            async with gate:
                return await self.open_subscriber(afters[index] if afters else None)

        results = await asyncio.gather(*(one(index) for index in range(count)), return_exceptions=True)
        opened = [result for result in results if isinstance(result, Subscriber)]
        errors = Counter(f"{type(result).__name__}: {result}" for result in results if not isinstance(result, Subscriber))
        return opened, errors

    # Events

    def observe(self, event_id: int):
        self.observed.set()

    async def make_event(self) -> tuple[int, float]:
        """One enrolment or departure through the API; returns the id of the event it made and when its request
        started. The id is the first new one the observer receives."""
        index = self.requests % len(self.tokens)
        self.requests += 1
        method = "DELETE" if self.enrolled[index] else "POST"
        seen = len(self.observer.order)
        self.observed.clear()
        status, body, started = await self.api.request(method, self.enrolment_path, self.tokens[index])
        expected = 204 if method == "DELETE" else 201
        if status != expected:
            raise Abort(f"{method} {self.enrolment_path} answered {status} (expected {expected}): {body[:300].decode(errors='replace')}")
        self.enrolled[index] = method == "POST"
        deadline = started + self.args.event_timeout
        while len(self.observer.order) == seen:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise Abort(f"no event reached the observer within {self.args.event_timeout} s of {method} {self.enrolment_path}")
            self.observed.clear()
            try:
                await asyncio.wait_for(self.observed.wait(), remaining)
            except asyncio.TimeoutError:
                pass
        return self.observer.order[seen], started

    async def event_series(self, count: int, spacing: float, until: float | None = None) -> dict[int, float]:
        """Events `spacing` seconds apart (count of them, or until the monotonic time `until`): event id -> start."""
        sent: dict[int, float] = {}
        first = time.monotonic()
        number = 0
        while (until is None and number < count) or (until is not None and time.monotonic() < until):
            wait = first + number * spacing - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            event_id, started = await self.make_event()
            sent[event_id] = started
            number += 1
        return sent

    async def all_delivered(self, ids, subscribers: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if all(self.deliveries[event_id] >= subscribers for event_id in ids):
                return True
            await asyncio.sleep(0.05)
        return False

    def latencies(self, subscribers: list[Subscriber], sent: dict[int, float]):
        """Per delivery latency in ms, the slowest delivery of each event in ms, and how many deliveries never came."""
        every: list[float] = []
        slowest = {event_id: 0.0 for event_id in sent}
        missing = 0
        for subscriber in subscribers:
            for event_id, started in sent.items():
                arrived = subscriber.times.get(event_id)
                if arrived is None:
                    missing += 1
                    continue
                latency = (arrived - started) * 1000
                every.append(latency)
                slowest[event_id] = max(slowest[event_id], latency)
        return every, list(slowest.values()), missing

    # wrk

    async def wrk(self, label: str, duration: int) -> tuple[float, float, float, int]:
        url = self.args.url.rstrip("/") + self.args.page
        command = ["wrk", f"-t{self.args.wrk_threads}", f"-c{self.args.wrk_connections}", f"-d{max(1, duration)}s", "--timeout", "30s",
                   "-s", self.args.wrk_script, url]
        process = await asyncio.create_subprocess_exec(*command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        try:
            out, err = await asyncio.wait_for(process.communicate(), duration + 40)
        except asyncio.TimeoutError:
            process.kill()
            await process.wait()
            raise Abort(f"wrk ({label}) did not finish")
        for line in out.decode().splitlines():
            if line.startswith("RESULT"):
                _, rps, p50, p99, errors, _ = line.split()
                return float(rps), float(p50), float(p99), int(errors)
        raise Abort(f"wrk ({label}) printed no RESULT line: {(err or out).decode().strip()[-300:]}")

    # The run

    async def run(self) -> int:
        args = self.args
        sockets = args.sockets
        print(f"== live: {sockets} WebSockets on {self.topic} at {self.ws_uri}, events {args.spacing * 1000:.0f} ms apart")
        self.make_tokens()
        await self.reset()

        # 3, first half: the page with nothing open.
        await self.wrk("warm-up", args.wrk_warmup)
        idle = await self.wrk("idle", args.wrk_duration)
        line("page idle", f"{args.page}: {idle[0]:,.0f} req/s, p50 {idle[1]:.2f} ms, p99 {idle[2]:.2f} ms, errors {idle[3]} "
                          f"(wrk -t{args.wrk_threads} -c{args.wrk_connections}, {args.wrk_duration:g} s)")

        # 2. Memory before and after the sockets.
        await asyncio.sleep(0.5)
        rss_before = rss_kib(args.pid)
        started = time.monotonic()
        subscribers, errors = await self.open_many(sockets)
        opened_in = time.monotonic() - started
        line("sockets", f"{len(subscribers)} of {sockets} open and subscribed in {opened_in:.1f} s"
                        + (f"; refused or failed: {dict(errors.most_common(3))}" if errors else ""))
        if not subscribers:
            raise Abort("no live connection could be opened")
        if len(subscribers) < sockets:
            self.failures.append(f"only {len(subscribers)} of {sockets} sockets opened (LECTERN_LIVE_CONNECTIONS_PER_NETWORK? ulimit -n?)")
        self.observer = subscribers[0]
        self.observer.on_event = self.observe
        await asyncio.sleep(args.settle)
        rss_after = rss_kib(args.pid)
        per_connection = (rss_after - rss_before) / len(subscribers)
        line("server RSS", f"{rss_before / 1024:.1f} MiB before, {rss_after / 1024:.1f} MiB with {len(subscribers)} sockets: "
                           f"{per_connection:.1f} KiB per connection")

        # 1. Latency of each event to every subscriber.
        cpu, wall = time.process_time(), time.monotonic()
        sent = await self.event_series(args.events, args.spacing)
        delivered = await self.all_delivered(sent, len(subscribers), args.delivery_timeout)
        cpu, wall = time.process_time() - cpu, time.monotonic() - wall
        every, slowest, missing = self.latencies(subscribers, sent)
        duplicates = sum(subscriber.duplicates for subscriber in subscribers)
        p99 = percentile(every, 99)
        line("event latency", f"p50 {percentile(every, 50):.1f} ms, p99 {p99:.1f} ms, max {max(every, default=math.nan):.1f} ms over "
                              f"{len(every):,} deliveries ({len(sent)} events x {len(subscribers)} subscribers); "
                              f"missing {missing}, duplicated {duplicates}")
        line("last subscriber", f"per event: p50 {percentile(slowest, 50):.1f} ms, max {max(slowest, default=math.nan):.1f} ms "
                                f"(when the slowest of the {len(subscribers)} had it)")
        line("this client's CPU", f"{cpu:.1f} s in {wall:.1f} s ({cpu / wall:.0%} of one core; the cores are shared with the server)")
        if not delivered:
            self.notes.append(f"not every event reached every subscriber within {args.delivery_timeout:g} s")

        # 3, second half: the page while the sockets are open and events flow.
        wrk_task = asyncio.create_task(self.wrk("during live load", args.wrk_duration))
        await asyncio.sleep(0.2)
        busy_sent = await self.event_series(0, args.spacing, until=time.monotonic() + max(0.5, args.wrk_duration - 0.4))
        busy = await wrk_task
        await self.all_delivered(busy_sent, len(subscribers), args.delivery_timeout)
        busy_every, _, busy_missing = self.latencies(subscribers, busy_sent)
        ratio = busy[2] / idle[2] if idle[2] > 0 else math.inf
        line("page during load", f"{args.page}: {busy[0]:,.0f} req/s, p50 {busy[1]:.2f} ms, p99 {busy[2]:.2f} ms, errors {busy[3]} "
                                 f"({len(busy_sent)} events during it)")
        line("event latency under wrk", f"p50 {percentile(busy_every, 50):.1f} ms, p99 {percentile(busy_every, 99):.1f} ms, "
                                        f"max {max(busy_every, default=math.nan):.1f} ms; missing {busy_missing} (no target: wrk saturates the cores)")

        # 4. Reconnects.
        reconnect = await self.reconnects(subscribers[1:1 + args.reconnects])

        # Everything down, then the targets.
        survivors = [subscriber for subscriber in subscribers if subscriber.transport is not None and not subscriber.transport.is_closing()]
        await asyncio.gather(*(subscriber.close() for subscriber in survivors), return_exceptions=True)
        self.api.close()

        print()
        print("== live targets")
        self.target("event latency p99", f"{p99:.1f} ms with {len(subscribers)} subscribers", f"< {args.latency_target:g} ms, none missing or twice",
                    p99 < args.latency_target and missing == 0 and duplicates == 0 and len(subscribers) == sockets)
        self.target("RSS per connection", f"{per_connection:.1f} KiB", f"< {args.rss_target:g} KiB", per_connection < args.rss_target)
        self.target("page p99 under load", f"{busy[2]:.2f} ms vs {idle[2]:.2f} ms idle: {ratio:.2f}x", f"< {args.page_ratio_target:g}x, no errors",
                    ratio < args.page_ratio_target and busy[3] == 0 and idle[3] == 0)
        self.target("reconnects", reconnect[0], "all exact and in order", reconnect[1])
        for note in self.notes:
            print(f"note: {note}")
        for failure in self.failures:
            print(f"FAIL: {failure}")
        return 1 if self.failures else 0

    async def reconnects(self, clients: list[Subscriber]) -> tuple[str, bool]:
        """Groups of clients leave one after another with events between, and come back in the opposite order with
        events between: group g of G misses 2 (G - g) events. Then two more events for everyone."""
        args = self.args
        if len(clients) < args.reconnects:
            self.failures.append(f"only {len(clients)} clients for the reconnect test ({args.reconnects} asked)")
        groups = [clients[g::args.reconnect_groups] for g in range(args.reconnect_groups)]
        last: dict[int, int | None] = {}
        for group in groups:
            for client in group:
                client.listening = False
                last[id(client)] = client.last_id
            await asyncio.gather(*(client.close() for client in group))
            await self.make_event()
        returned: list[tuple[Subscriber, int | None, int]] = []
        failed_to_return = 0
        for group in reversed(groups):
            await self.make_event()
            afters = [last[id(client)] for client in group]
            stood = self.observer.order[-1]  # where the server stood when they came back
            again, _ = await self.open_many(len(group), afters)
            failed_to_return += len(group) - len(again)
            returned += [(subscriber, subscriber.resumed_after, stood) for subscriber in again]
        for _ in range(2):
            await self.make_event()
        final = self.observer.order[-1]
        deadline = time.monotonic() + args.delivery_timeout
        while time.monotonic() < deadline and not all(final in client.times for client, _, _ in returned):
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.3)  # anything extra or twice arrives too
        exact = in_order = 0
        example = None
        expected_total = received_total = missing = extra = twice = 0
        counts = []
        for client, after, stood in returned:
            expected = [event_id for event_id in self.observer.order if after is None or event_id > after]
            got = client.order
            counts.append(sum(1 for event_id in expected if event_id <= stood))
            expected_total += len(expected)
            received_total += len(got)
            missing += len(set(expected) - set(got))
            extra += len(set(got) - set(expected))
            twice += len(got) - len(set(got))
            if set(got) == set(expected) and len(got) == len(expected):
                exact += 1
                in_order += got == expected
            if got != expected and example is None:
                example = f"e.g. a client that resumed after {after}: expected {expected}, received {got}"
        await asyncio.gather(*(client.close() for client, _, _ in returned), return_exceptions=True)
        clients_count = len(clients)
        passed = exact == clients_count and in_order == clients_count and failed_to_return == 0
        missed_min, missed_max = (min(counts), max(counts)) if counts else (0, 0)
        summary = (f"{exact} of {clients_count} got exactly what they missed, none twice; {in_order} of them in id order "
                   f"({missed_min}-{missed_max} events missed each, then the new ones; {expected_total} expected, {received_total} received: "
                   f"missing {missing}, extra {extra}, twice {twice}; could not reconnect {failed_to_return})")
        line("reconnects", summary)
        if example:
            self.notes.append(example)
        return f"{exact} of {clients_count} exact, {in_order} in order", passed

    def target(self, name: str, result: str, goal: str, met: bool):
        print(f"{name + ':':<24} {result} (target {goal}): {'met' if met else 'NOT MET'}")
        if not met:
            self.failures.append(f"{name}: {result} (target {goal})")


def line(name: str, text: str):
    print(f"{name + ':':<24} {text}", flush=True)


def main() -> int:
    here = Path(__file__).resolve().parent
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8080", help="the server (default %(default)s)")
    parser.add_argument("--pid", type=int, required=True, help="the server's process id, for its VmRSS")
    parser.add_argument("--course", required=True, help="slug of a course with open enrolment and no approval step")
    parser.add_argument("--token", action="append", help="a learn-scope access token; repeat for several accounts")
    parser.add_argument("--lectern", help="without --token: the lectern binary, to make accounts and tokens")
    parser.add_argument("--db", help="without --token: the server's database")
    parser.add_argument("--accounts", type=int, default=4, help="accounts to make with --lectern (default %(default)s)")
    parser.add_argument("--sockets", type=int, default=2000, help="subscribers (default %(default)s)")
    parser.add_argument("--events", type=int, default=30, help="events in the latency measurement (default %(default)s)")
    parser.add_argument("--spacing", type=float, default=0.25, help="seconds between events (default %(default)s)")
    parser.add_argument("--reconnects", type=int, default=100, help="clients in the reconnect test (default %(default)s)")
    parser.add_argument("--reconnect-groups", type=int, default=5, help="groups leaving at different times (default %(default)s)")
    parser.add_argument("--page", help="page for wrk (default /courses/<course>)")
    parser.add_argument("--wrk-duration", type=int, default=10, help="seconds of each wrk run (default %(default)s)")
    parser.add_argument("--wrk-warmup", type=int, default=2, help="seconds of wrk before the idle run (default %(default)s)")
    parser.add_argument("--wrk-connections", type=int, default=64, help="default %(default)s, as Benchmarks/run")
    parser.add_argument("--wrk-threads", type=int, default=2, help="default %(default)s")
    parser.add_argument("--wrk-script", default=str(here / "wrk.lua"), help="prints the RESULT line (default Benchmarks/wrk.lua)")
    parser.add_argument("--connect-concurrency", type=int, default=100, help="handshakes in flight at once (default %(default)s)")
    parser.add_argument("--settle", type=float, default=1.0, help="seconds after the last subscription before reading RSS")
    parser.add_argument("--event-timeout", type=float, default=5.0, help="seconds for an event to reach the observer")
    parser.add_argument("--delivery-timeout", type=float, default=10.0, help="seconds for events to reach every subscriber")
    parser.add_argument("--time-limit", type=float, default=180.0, help="the whole run, in seconds (default %(default)s)")
    parser.add_argument("--latency-target", type=float, default=200.0, help="p99 in ms (default %(default)s)")
    parser.add_argument("--rss-target", type=float, default=40.0, help="KiB per connection (default %(default)s)")
    parser.add_argument("--page-ratio-target", type=float, default=2.0, help="busy p99 / idle p99 (default %(default)s)")
    args = parser.parse_args()
    args.page = args.page or f"/courses/{args.course}"
    if not args.page.startswith("/"):
        parser.error("--page is a path such as /courses/<slug>")

    if not os.path.exists(f"/proc/{args.pid}/status"):
        print(f"no process {args.pid}", file=sys.stderr)
        return 2
    if shutil.which("wrk") is None:
        print("wrk is not installed", file=sys.stderr)
        return 2
    wanted = args.sockets + args.reconnects + 256
    have = raise_own_open_files(wanted)
    if have < wanted:
        print(f"this process may open {have} files, {wanted} are needed: raise the hard limit (ulimit -Hn)", file=sys.stderr)
        return 2
    server_limit = open_files_limit(args.pid)
    if server_limit is not None and server_limit < args.sockets + 256:
        print(f"the server may open {server_limit} files: start it after `ulimit -n 65536`", file=sys.stderr)
        return 2

    bench = Bench(args)

    async def bounded():
        return await asyncio.wait_for(bench.run(), args.time_limit)

    try:
        return asyncio.run(bounded())
    except Abort as abort:
        print(f"live benchmark stopped: {abort}", file=sys.stderr)
        return 2
    except asyncio.TimeoutError:
        print(f"live benchmark stopped: over its time limit of {args.time_limit:g} s", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
