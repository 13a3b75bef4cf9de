#!/usr/bin/env python3
"""What a hostile API client tries against a running Lectern, over HTTP only (tokens are made with the CLI, as an
operator would): a `read` token that writes, reaching another learner's progress, attempts and the administrators'
operations, and GraphQL queries built to exhaust the server (depth through fragments, aliases, cost, size, batches).
Each must be refused with a clear error, and nothing may change.

Usage: api_attacks.py http://127.0.0.1:PORT path/to/lectern path/to/lectern.sqlite
Prints one line per check; exits 1 when any check fails.
"""
import http.client
import json
import subprocess
import sys
import time
import urllib.parse

results = []
PASSWORD = "correct horse battery staple"
COURSE = "flask-in-an-afternoon"
LESSON_WITH_QUIZ = "routes-and-url-variables"


def check(name, ok, detail=""):
    results.append(bool(ok))
    print(("PASS " if ok else "FAIL ") + name + ("" if ok or not detail else f"  ({detail})"))


def call(method, path, token=None, body=None, content_type="application/json"):
    parts = urllib.parse.urlsplit(BASE)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    headers = {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = None
    if body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        headers["Content-Type"] = content_type
    started = time.monotonic()
    connection.request(method, path, body=data, headers=headers)
    response = connection.getresponse()
    text = response.read().decode("utf-8", "replace")
    elapsed = time.monotonic() - started
    connection.close()
    try:
        parsed = json.loads(text) if text else None
    except ValueError:
        parsed = None
    return response.status, dict((k.lower(), v) for k, v in response.getheaders()), parsed, elapsed


def lectern(*arguments, stdin=None):
    return subprocess.run([BINARY, *arguments, "--db", DATABASE], input=stdin, capture_output=True, text=True, check=True).stdout.strip()


def account(email, scope, admin=False):
    lectern("user", "create", email, "--name", "API " + email.split("@")[0], "--password-stdin", *(["--admin"] if admin else []), stdin=PASSWORD)
    return lectern("token", "create", email, "--scope", scope, "--name", "attacks")


def graphql(query, token=None, variables=None):
    return call("POST", "/graphql", token, {"query": query, "variables": variables or {}})


def first_error(parsed):
    errors = (parsed or {}).get("errors") or [{}]
    return errors[0].get("message", ""), (errors[0].get("extensions") or {}).get("code")


def scope_escalation():
    reader = account("api-reader@example.com", "read")
    status, _, problem, _ = call("POST", f"/api/v1/courses/{COURSE}/enrolment", reader)
    check("a read token cannot enrol through REST (403 insufficient-scope)",
          status == 403 and (problem or {}).get("type") == "/api/problems/insufficient-scope", f"{status} {problem}")
    _, _, parsed, _ = graphql(f'mutation {{ enrol(course: "{COURSE}") {{ outcome }} }}', reader)
    check("a read token cannot enrol through GraphQL (insufficient-scope)", first_error(parsed)[1] == "insufficient-scope", str(parsed))
    _, _, course, _ = call("GET", f"/api/v1/courses/{COURSE}", reader)
    check("... and it is still not enrolled", ((course or {}).get("viewer") or {}).get("enrolled") is False, str(course))
    status, _, problem, _ = call("GET", "/api/v1/admin/users", reader)
    check("a learner's token cannot list accounts (403)", status == 403, f"{status}")
    status, _, _, _ = call("PATCH", f"/api/v1/admin/courses/{COURSE}", reader, {"capacity": 0})
    check("a learner's token cannot close a course (403)", status == 403, f"{status}")
    forged = reader[:-1] + ("A" if reader[-1] != "A" else "B")
    status, headers, _, _ = call("GET", "/api/v1/me", forged)
    check("a token with one character changed is a 401 with WWW-Authenticate", status == 401 and "bearer" in headers.get("www-authenticate", "").lower())


def other_learners_progress():
    ada = account("api-ada@example.com", "learn")
    eve = account("api-eve@example.com", "learn")
    call("POST", f"/api/v1/courses/{COURSE}/enrolment", ada)
    status, _, attempt, _ = call("POST", f"/api/v1/courses/{COURSE}/lessons/{LESSON_WITH_QUIZ}/quiz-attempts", ada,
                                 {"answers": {"converter-refuses": ["a"], "matching-urls": ["a"], "why-escape": ["a"]}})
    attempt_id = (attempt or {}).get("id")
    check("a learner's quiz attempt is recorded (201)", status == 201 and attempt_id, f"{status} {attempt}")
    status, _, _, _ = call("GET", f"/api/v1/courses/{COURSE}/lessons/{LESSON_WITH_QUIZ}/quiz-attempts/{attempt_id}", eve)
    check("another learner's quiz attempt, by its id, is not found (404)", status == 404, f"{status}")
    for nearby in (attempt_id - 1, attempt_id + 1) if attempt_id else ():
        status, _, _, _ = call("GET", f"/api/v1/courses/{COURSE}/lessons/{LESSON_WITH_QUIZ}/quiz-attempts/{nearby}", eve)
        check(f"guessing attempt id {nearby} reveals nothing (404)", status == 404, f"{status}")
    _, _, mine, _ = call("GET", "/api/v1/me/enrolments?user_id=1&user=api-ada@example.com", eve)
    check("/me/enrolments with another learner's id or address still answers only for the caller",
          mine is not None and all(item.get("course") != COURSE for item in mine.get("items", [])), str(mine))
    _, _, viewed, _ = call("GET", f"/api/v1/courses/{COURSE}?user_id=1", eve)
    check("a course's viewer is always the caller", ((viewed or {}).get("viewer") or {}).get("enrolled") is False, str(viewed))
    _, _, parsed, _ = graphql('{ viewer { name enrolments { course percent } } }', eve)
    check("GraphQL's viewer is the caller only", (parsed or {}).get("data", {}).get("viewer", {}).get("enrolments") == [], str(parsed))
    _, _, parsed, _ = graphql('{ viewer { email } }', eve)
    check("no GraphQL field reaches an address", "Cannot query field" in first_error(parsed)[0], str(parsed))
    _, _, parsed, _ = graphql('{ user(id: 1) { name } }', eve)
    check("there is no way to name another account in GraphQL", "Cannot query field" in first_error(parsed)[0], str(parsed))


def exhausting_queries():
    nested = "name"
    for _ in range(40):
        nested = f"fields {{ type {{ {nested} }} }}"
    status, _, parsed, elapsed = graphql(f"{{ __schema {{ types {{ {nested} }} }} }}")
    check("a depth bomb (80 levels through introspection) is refused at once",
          status == 400 and first_error(parsed)[1] == "query-limit" and elapsed < 1, f"{status} {parsed} {elapsed:.2f}s")
    fragments = "fragment F0 on __Type { name }" + "".join(
        f" fragment F{level} on __Type {{ fields {{ type {{ ...F{level - 1} }} }} }}" for level in range(1, 30))
    status, _, parsed, _ = graphql(f"{{ __schema {{ types {{ ...F29 }} }} }} {fragments}")
    check("the same depth hidden in fragments is refused", status == 400 and first_error(parsed)[1] == "query-limit", f"{status} {parsed}")
    status, _, parsed, _ = graphql("{ courses { ...A } } fragment A on Course { lessons { ...B } } fragment B on Lesson { ...A }")
    check("fragments that spread each other are refused", status == 400, f"{status} {parsed}")
    aliases = " ".join(f"a{n}: courses {{ lessons {{ slug title module kind }} }}" for n in range(100))
    status, _, parsed, _ = graphql(f"{{ {aliases} }}")
    check("100 aliases of the catalogue are refused", status == 400 and "aliases" in first_error(parsed)[0], f"{status} {parsed}")
    wide = " ".join(f"c{n}: courses {{ lessons {{ slug title module kind optional preview hasQuiz readingMinutes }} }}" for n in range(12))
    status, _, parsed, _ = graphql(f"{{ {wide} }}")
    check("a query over the cost budget is refused", status == 400 and "too much" in first_error(parsed)[0], f"{status} {parsed}")
    status, _, _, _ = call("POST", "/graphql", None, {"query": "{ courses { slug } }" + " " * 40_000})
    check("a query body over 32 KiB is refused (413)", status == 413, f"{status}")
    status, _, parsed, _ = call("POST", "/graphql", None, [{"query": "{ courses { slug } }"}] * 50)
    check("batches of operations are refused", status == 400, f"{status} {parsed}")
    status, _, parsed, _ = call("GET", "/graphql?query=" + urllib.parse.quote(f'mutation {{ leave(course: "{COURSE}") }}'))
    check("a mutation by GET is refused (405)", status == 405, f"{status}")
    status, _, parsed, elapsed = graphql("{ courses { slug lessons { slug } } }")
    check("ordinary queries are still answered", status == 200 and (parsed or {}).get("data", {}).get("courses"), f"{status}")


def main():
    global BASE, BINARY, DATABASE
    BASE, BINARY, DATABASE = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
    scope_escalation()
    other_learners_progress()
    exhausting_queries()
    passed = sum(results)
    print(f"{passed}/{len(results)} API attack checks passed", file=sys.stderr)
    sys.exit(0 if passed == len(results) else 1)


if __name__ == "__main__":
    main()
