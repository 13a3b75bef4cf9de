#!/usr/bin/env python3
"""Every constraint openapi.yaml puts on a request body or a query parameter is kept by the server, whatever state
the site is in.

For each operation that takes a body, the caller is first put where a valid body succeeds without the server needing to
read further (a learner who already has the place redeems a code; an administrator admits a learner already enrolled).
Then each property of the valid body is replaced, one at a time, by values that break the contract: the wrong type,
too long, too short, outside its pattern, enum or range, a missing required property, one the operation does not take.
A candidate is sent only if JSON Schema itself (the contract's schema, formats checked) calls the body invalid, so the
check never asks for more than the contract says. Each must be refused with 400 or 422; the valid body, sent last, must
still succeed. An operation with a body that this script has no valid body for fails the run, so a new one is covered.
Query parameters are broken the same way, one at a time.

schemathesis finds such gaps by chance (it once got 200 "already enrolled" for an access code with a control
character); this walks all of them every run.

Usage: contract_inputs.py http://127.0.0.1:PORT path/to/lectern path/to/lectern.sqlite path/to/openapi.yaml
Needs PyYAML and jsonschema (the API tools' virtual environment). Prints one line per operation; exits 1 on a failure.
"""
import http.client
import json
import re
import subprocess
import sys
import urllib.parse

import yaml
from jsonschema import Draft202012Validator

PASSWORD = "correct horse battery staple"
OPEN_COURSE = "flask-in-an-afternoon"
QUIZ_LESSON = "routes-and-url-variables"
CODE_COURSE = "flask-framework-certificate"
CHECKPOINT_LESSON = "checkpoint-foundations"
APPROVAL_COURSE = "docker-for-python-developers"
LEARNER = "contract-learner@example.com"
REQUESTER = "contract-requester@example.com"
ADMIN = "contract-admin@example.com"

results = []


def check(name, ok, detail=""):
    results.append(bool(ok))
    print(("PASS " if ok else "FAIL ") + name + ("" if ok or not detail else f"\n     {detail}"))


def call(method, path, token, body):
    parts = urllib.parse.urlsplit(BASE)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    data = None if method == "GET" else json.dumps(body).encode()
    headers = {"Authorization": f"Bearer {token}"} | ({} if data is None else {"Content-Type": "application/json"})
    connection.request(method, path, body=data, headers=headers)
    response = connection.getresponse()
    text = response.read().decode("utf-8", "replace")
    connection.close()
    return response.status, text


def lectern(*arguments, stdin=None):
    return subprocess.run([BINARY, *arguments, "--db", DATABASE], input=stdin, capture_output=True, text=True, check=True).stdout.strip()


def account(email, scope, admin=False):
    lectern("user", "create", email, "--name", "Contract " + email.split("@")[0].split("-")[1], "--password-stdin", *(["--admin"] if admin else []), stdin=PASSWORD)
    return lectern("token", "create", email, "--scope", scope, "--name", "contract inputs")


def resolve(document, schema):
    """The schema with every `$ref` replaced by what it names (request bodies have no cycles)."""
    if isinstance(schema, list):
        return [resolve(document, item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        target = document
        for part in schema["$ref"].lstrip("#/").split("/"):
            target = target[part]
        merged = {**resolve(document, target), **{k: v for k, v in schema.items() if k != "$ref"}}
        return resolve(document, merged)
    return {key: resolve(document, value) for key, value in schema.items()}


def types(schema):
    """The JSON types a schema allows, through oneOf/anyOf."""
    found = set()
    kind = schema.get("type")
    if isinstance(kind, list):
        found.update(kind)
    elif kind:
        found.add(kind)
    for branch in schema.get("oneOf", []) + schema.get("anyOf", []):
        found.update(types(branch))
    if "enum" in schema:
        found.update({"string" if isinstance(v, str) else "integer" for v in schema["enum"] if v is not None})
    return found


def limits(schema, key):
    """Every value of `key` in the schema and its branches."""
    values = [schema[key]] if key in schema else []
    for branch in schema.get("oneOf", []) + schema.get("anyOf", []):
        values += limits(branch, key)
    return values


def candidates(schema):
    """Values that may break a leaf schema; JSON Schema decides which really do."""
    values = [None, True, 12345, 1.5, "lots", [], {}]
    kinds = types(schema)
    if kinds & {"string"}:
        values += ["", " ", "\u0013x", "x\u007f", "a%1Ab@example.com", "a b", "<b>", "é", "not an address", "next tuesday", "not-" + "-".join(map(str, schema.get("enum", [])))]
        values += ["a" * (n + 1) for n in limits(schema, "maxLength")]
    if kinds & {"integer", "number"}:
        values += ["1", -1, 0, 10**20]
        values += [n - 1 for n in limits(schema, "minimum")] + [n + 1 for n in limits(schema, "maximum")]
    return values


def mutations(schema, value, where):
    """(what was broken, the broken value) for a value valid under `schema`, one change at a time."""
    kinds = types(schema)
    if "object" in kinds and isinstance(value, dict):
        for name in schema.get("required", []):
            if name in value:
                yield f"{where} without {name}", {k: v for k, v in value.items() if k != name}
        if schema.get("additionalProperties") is False:
            yield f"{where} with a property it does not take", {**value, "unexpected_property": 1}
        for name, sub in schema.get("properties", {}).items():
            if name in value:
                for what, broken in mutations(sub, value[name], f"{where}.{name}"):
                    yield what, {**value, name: broken}
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict) and value:
            first = next(iter(value))
            for what, broken in mutations(extra, value[first], f"{where}.{first}"):
                yield what, {**value, first: broken}
            for n in limits(schema, "maxProperties"):
                yield f"{where} with {n + 1} properties", {f"k{i}": value[first] for i in range(n + 1)}
    elif "array" in kinds and isinstance(value, list):
        item = schema.get("items", {})
        for n in limits(schema, "maxItems"):
            yield f"{where} with {n + 1} items", [value[0] if value else "a"] * (n + 1)
        if value:
            for what, broken in mutations(item, value[0], f"{where}[0]"):
                yield what, [broken] + value[1:]
        for what in [None, "a", {"a": 1}]:
            yield f"{where} = {json.dumps(what)}", what
    else:
        for broken in candidates(schema):
            shown = json.dumps(broken)
            yield f"{where} = {shown if len(shown) <= 40 else shown[:37] + '…'}", broken


def operations(document):
    """operationId → (method, path, the request body's schema)."""
    found = {}
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict) and "requestBody" in operation:
                schema = operation["requestBody"]["content"]["application/json"]["schema"]
                found[operation["operationId"]] = (method.upper(), path, resolve(document, schema))
    return found


def queried(document):
    """operationId → (method, path, its query parameters' schemas), for operations with a path of no parameters."""
    found = {}
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "{" in path:
                continue
            names = {}
            for parameter in resolve(document, operation.get("parameters", [])):
                if parameter["in"] == "query":
                    names[parameter["name"]] = parameter["schema"]
            if names:
                found[operation["operationId"]] = (method.upper(), path, names)
    return found


def query_candidates(schema):
    """Query values (text) that may break a parameter's schema."""
    values = ["", " ", "abc", "1.5", "-1", "0", "1e3", "Foo Bar", "\u0013x", "not-" + "-".join(map(str, schema.get("enum", [])))]
    values += ["a" * (n + 1) for n in limits(schema, "maxLength")]
    values += [str(n - 1) for n in limits(schema, "minimum")] + [str(n + 1) for n in limits(schema, "maximum")]
    return values


def typed(value, schema):
    """A query value as the contract reads it: an integer parameter's digits are a number, anything else stays text."""
    if types(schema) & {"integer"} and re.fullmatch(r"-?[0-9]+", value):
        return int(value)
    return value


def main():
    global BASE, BINARY, DATABASE
    BASE, BINARY, DATABASE, contract = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3], sys.argv[4]
    document = yaml.safe_load(open(contract, encoding="utf-8"))
    taking = operations(document)

    learner = account(LEARNER, "learn")
    requester = account(REQUESTER, "learn")
    admin = account(ADMIN, "admin", admin=True)
    # The places each operation needs to succeed: the learner on the open course and the course sold by code (admitted
    # by an administrator), a request waiting for a decision on the course given by approval.
    setup = [
        call("POST", f"/api/v1/courses/{OPEN_COURSE}/enrolment", learner, {}),
        call("POST", f"/api/v1/admin/courses/{CODE_COURSE}/enrolments", admin, {"email": LEARNER}),
        call("POST", f"/api/v1/courses/{APPROVAL_COURSE}/request", requester, {"note": "For my team"}),
    ]
    check("the contract's callers are set up: a learner with two places, a request waiting", all(s in (200, 201) for s, _ in setup),
          "; ".join(f"{s} {t[:160]}" for s, t in setup))

    # An answer to every question of the knowledge check (right or wrong, each is a graded attempt).
    status, text = call("GET", f"/api/v1/courses/{OPEN_COURSE}/lessons/{QUIZ_LESSON}", learner, None)
    questions = json.loads(text)["quiz"]["questions"] if status == 200 else []
    check(f"the knowledge check of {QUIZ_LESSON} is read ({len(questions)} questions)", questions, f"{status} {text[:160]}")
    answers = {q["id"]: [q["options"][0]["id"]] if q.get("options") else ["42"] for q in questions}

    # A body that succeeds in the state above, with every optional property, and who sends it.
    valid = {
        "redeemAccessCode": (learner, {"slug": OPEN_COURSE}, {"code": "7KQ2M-XW9FD-R4TCN"}),
        "requestPlace": (requester, {"slug": APPROVAL_COURSE}, {"note": "For my team"}),
        "submitQuizAttempt": (learner, {"slug": OPEN_COURSE, "lesson": QUIZ_LESSON}, {"answers": answers}),
        "submitCheckpoint": (learner, {"slug": CODE_COURSE, "lesson": CHECKPOINT_LESSON}, {"text": "My reading list app.", "link": "https://example.com/app"}),
        "changeCourseSettings": (admin, {"slug": OPEN_COURSE}, {"enrolment": "content", "capacity": "content"}),
        "admitLearner": (admin, {"slug": OPEN_COURSE}, {"email": LEARNER, "over_capacity_reason": "Sponsored"}),
        "decidePlaceRequest": (admin, {"slug": APPROVAL_COURSE, "email": REQUESTER}, {"approve": False, "reason": "Not this cohort"}),
        "createAccessCodes": (admin, {"slug": CODE_COURSE}, {"count": 1, "uses_per_code": 2, "expires_at": "2099-01-01T00:00:00Z", "note": "Contract check"}),
    }
    for operation_id in sorted(set(taking) - set(valid)):
        check(f"{operation_id} takes a body: contract_inputs.py needs a valid body for it", False)

    for operation_id, (token, parameters, body) in valid.items():
        if operation_id not in taking:
            check(f"{operation_id} is in openapi.yaml with a request body", False)
            continue
        method, template, schema = taking[operation_id]
        path = template
        for name, value in parameters.items():
            path = path.replace("{" + name + "}", urllib.parse.quote(value, safe="@"))
        validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
        errors = list(validator.iter_errors(body))
        if errors:
            check(f"{operation_id}: the valid body is valid under the contract", False, errors[0].message)
            continue
        sent, wrong, seen = 0, [], set()
        whole = [(f"body = {json.dumps(v)}", v) for v in ([], "text", 1, None)]
        for what, broken in whole + list(mutations(schema, body, "body")):
            key = json.dumps(broken, sort_keys=True)
            if key in seen or validator.is_valid(broken):
                continue
            seen.add(key)
            status, text = call(method, path, token, broken)
            sent += 1
            if status not in (400, 422):
                wrong.append(f"{what}: {status} {text[:120]}")
        # Sent last, as it may change what the ones above would find (a decision, a submission, a code).
        status, text = call(method, path, token, body)
        check(f"{operation_id}: {sent} bodies the contract refuses are refused (400/422), before anything is looked up; the valid one gets {status}",
              not wrong and 200 <= status < 300 and sent > 0,
              "\n     ".join(wrong[:8] + ([] if 200 <= status < 300 else [f"the valid body: {status} {text[:200]}"])))

    # Query parameters, the other input a client writes: each broken value alone, the rest left out.
    for operation_id, (method, path, names) in sorted(queried(document).items()):
        token = admin if operation_id in ("listAccounts",) else learner
        sent, wrong = 0, []
        for name, schema in names.items():
            validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
            for value in query_candidates(schema):
                if validator.is_valid(typed(value, schema)):
                    continue
                status, text = call(method, f"{path}?{urllib.parse.urlencode({name: value})}", token, None)
                sent += 1
                if status not in (400, 422):
                    wrong.append(f"{name}={json.dumps(value)}: {status} {text[:120]}")
        status, text = call(method, path, token, None)
        check(f"{operation_id}: {sent} query values the contract refuses are refused (400/422); without them it answers {status}",
              not wrong and status == 200 and sent > 0, "\n     ".join(wrong[:8]))

    print(f"\n{sum(results)} of {len(results)} contract input checks passed", file=sys.stderr)
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
