#!/usr/bin/env python3
"""A learner's whole journey in headless Chromium, at desktop and phone widths.

Read the blog, search, open a post, read the free preview of lesson 1, sign up from "Enrol now" on the free taster
course (account, enrolment and its first lesson in one step), confirm the address from the mail, log out, log in from
the certificate course's panel, enter an access code the operator made (a wrong one first), complete every lesson (failing the first knowledge check once, then passing each one with the answers from Content/), send
work to each checkpoint (the first is returned with feedback by an instructor signed in in another browser, then
resubmitted and approved), open the certificate and check it says what was assessed, change the password, log out.
Every page is checked for JavaScript console errors, broken images and (at 390 px) content wider than the screen, and
audited with axe-core (LECTERN_AXE_SCRIPT, the axe.min.js that Tests/BlackBox/run takes from PyPI's axe-selenium-python):
any serious or critical finding fails the journey.

Usage: journey.py http://127.0.0.1:PORT LECTERN_BINARY DATABASE   (the binary makes the instructor, as an operator would)
DATABASE is the SQLite file the server uses, or its postgres:// URL (the topology check: the CLI then gets --database).
Set JOURNEY_SHOTS=folder to save screenshots of the player, a quiz result and the review queue at each width, and
JOURNEY_WIDTHS="1280" to run at those widths only (all four header widths and both journeys by default).
"""
import glob
import json
import os
import re
import subprocess
import sys
import time

import yaml

from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException, TimeoutException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

BASE = sys.argv[1].rstrip("/")
BINARY, DATABASE = sys.argv[2], sys.argv[3]
# How the CLI is told the database: a PostgreSQL URL with --database, a SQLite file with --db.
DB = ["--database", DATABASE] if DATABASE.startswith(("postgres://", "postgresql://")) else ["--db", DATABASE]
SHOTS = os.environ.get("JOURNEY_SHOTS")
COURSE = "flask-framework-certificate"
TASTER = "flask-in-an-afternoon"
CONTENT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Content")
PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a brand new passphrase 2026"
results = []
AXE_SCRIPT = os.environ.get("LECTERN_AXE_SCRIPT")
AXE = open(AXE_SCRIPT, encoding="utf-8").read() if AXE_SCRIPT and os.path.exists(AXE_SCRIPT) else None
# Runs axe on the whole document and answers its serious and critical violations, a few elements of each.
AXE_RUN = """
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ['violations']}).then(result => done({
  version: axe.version,
  violations: result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ': ' + (n.failureSummary || '').split('\\n').slice(1, 2).join(''))}))
})).catch(error => done({version: '?', violations: [{id: 'axe-error', impact: 'critical', help: String(error), targets: []}]}));
"""


def quiz_questions(lesson_path):
    """The questions of a lesson's knowledge check, read from its Markdown file (the learner's answer key)."""
    parts = lesson_path.strip("/").split("/")  # courses/<course>/lessons/<slug>
    files = glob.glob(os.path.join(CONTENT, "courses", parts[1], "lessons", f"*-{parts[3]}.md"))
    if not files:
        return []
    text = open(files[0], encoding="utf-8").read()
    block = re.search(r"^```quiz\n(.*?)^```", text, re.S | re.M)
    return yaml.safe_load(block.group(1))["questions"] if block else []


JOURNEY_STARTED = time.monotonic()


def check(name, ok, detail=""):
    # Each line says when it was reached: a journey that runs out of time shows where the time went.
    results.append(bool(ok))
    elapsed = f"  [{time.monotonic() - JOURNEY_STARTED:.1f} s]"
    print(("PASS " if ok else "FAIL ") + name + ("" if ok or not detail else f"  ({detail})") + elapsed, flush=True)


def browser(width):
    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", f"--window-size={width},900"]:
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    # Headless Chromium starts no narrower than 500px whatever --window-size says; resizing gets the real width.
    driver.set_window_size(width, 900)
    driver.set_script_timeout(60)
    return driver


class Journey:
    def __init__(self, width):
        self.width = width
        self.driver = browser(width)
        self.problems = []
        self.pages = 0
        self.audited = set()
        self.findings = []
        self.axe_version = None

    def inspect(self, fresh=False):
        """Console errors, broken images and horizontal overflow on the page now shown; `fresh`: audit it even if
        this address was audited before (a form's answer at the same address shows other markup)."""
        self.pages += 1
        path = self.driver.current_url.replace(BASE, "")
        for entry in self.driver.get_log("browser"):
            # A wrong access code is answered 422 on purpose (the page says what to fix); Chromium logs any 4xx.
            if "/code - Failed to load resource: the server responded with a status of 422" in entry.get("message", ""):
                continue
            if entry.get("level") == "SEVERE":
                self.problems.append(f"{path}: console: {entry.get('message')}")
        broken = self.driver.execute_script(
            "return [...document.images].filter(i => i.complete && i.naturalWidth === 0).map(i => i.src)")
        self.problems += [f"{path}: broken image {src}" for src in broken]
        overflow = self.driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            self.problems.append(f"{path}: {overflow}px wider than the {self.width}px window")
        self.audit(path, fresh)

    def audit(self, path, fresh=False):
        """axe-core on this page, once per address and sign-in state (a page seen again shows the same markup)."""
        signed_in = bool(self.driver.find_elements(By.CSS_SELECTOR, "form[action='/logout']"))
        key = (path.split("#")[0], signed_in)
        if AXE is None or (key in self.audited and not fresh):
            return
        self.audited.add(key)
        self.driver.execute_script(AXE)
        result = self.driver.execute_async_script(AXE_RUN)
        self.axe_version = result.get("version")
        for violation in result.get("violations", []):
            self.findings.append(f"{path} ({'signed in' if signed_in else 'visitor'}): {violation['impact']} {violation['id']} "
                                 f"({violation['help']}) at {'; '.join(violation['targets'])}")

    def open(self, path):
        self.driver.get(BASE + path)
        self.inspect()

    def click(self, selector):
        element = self.driver.find_element(By.CSS_SELECTOR, selector)
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        element.click()
        time.sleep(0.05)
        self.inspect()

    def answer_quiz(self, lesson, right):
        """Answers the lesson's knowledge check: every answer right, or every choice wrong and every text off."""
        d = self.driver
        for question in quiz_questions(lesson):
            qid, kind = question["id"], question["type"]
            if kind in ("single", "multiple"):
                for option in question["options"]:
                    if bool(option.get("correct")) == right:
                        box = d.find_element(By.ID, f"q-{qid}-{option['id']}")
                        d.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
                        box.click()
                        if kind == "single":
                            break
            else:
                value = (str(question["answers"][0]) if kind == "text" else str(question["answer"])) if right else "9999999"
                field = d.find_element(By.ID, f"q-{qid}")
                field.clear()
                field.send_keys(value)
        self.click("form.quiz-form button[type=submit]")

    def fill(self, form, fields, submit="button[type=submit]"):
        for name, value in fields.items():
            field = self.driver.find_element(By.CSS_SELECTOR, f"{form} [name='{name}']")
            field.clear()
            field.send_keys(value)
        self.click(f"{form} {submit}")

    def log_out(self):
        # On a phone the header keeps the button; on every width it is a real form post.
        button = self.driver.find_element(By.CSS_SELECTOR, "form[action='/logout'] button")
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
        self.driver.execute_script("arguments[0].click()", button)
        time.sleep(0.05)
        self.inspect()

    def shot(self, name):
        if SHOTS:
            os.makedirs(SHOTS, exist_ok=True)
            height = self.driver.execute_script("return Math.min(document.documentElement.scrollHeight, 4000)")
            self.driver.set_window_size(self.width, max(900, height))
            self.driver.save_screenshot(os.path.join(SHOTS, f"{name}-{self.width}.png"))
            self.driver.set_window_size(self.width, 900)

    def stay(self):
        """Marks the page now shown: `stayed()` is true only while no reload or navigation has happened since."""
        self.driver.execute_script("window.__lecternStayed = true")

    def stayed(self):
        return self.driver.execute_script("return window.__lecternStayed === true")

    def wait_for(self, condition, seconds=6):
        """Waits (bounded) for `condition(driver)` to hold, as a person watching the page would; False if it never does."""
        # A live part is replaced while it is read now and then (found, then swapped before `.text`): that is a
        # stale reference to retry, not an answer.
        waiting = WebDriverWait(self.driver, seconds, poll_frequency=0.1, ignored_exceptions=(StaleElementReferenceException, NoSuchElementException))
        try:
            waiting.until(lambda d: condition(d))
            return True
        except TimeoutException:
            return False

    def unread(self):
        counts = [e.text for e in self.driver.find_elements(By.CSS_SELECTOR, ".site-nav .nav-count") if e.text.strip()]
        return int(re.match(r"\d+", counts[0]).group(0)) if counts else 0

    def classmate_takes_a_seat(self):
        """Another learner, in another browser, takes a seat while this learner's course page stays open: the seat count
        on it changes without a reload."""
        d = self.driver
        self.open(f"/courses/{COURSE}")
        seats = d.find_element(By.CSS_SELECTOR, ".course-seats").text
        self.stay()
        classmate = Journey(self.width)
        try:
            classmate.open("/register")
            classmate.fill("form[action='/register']", {"name": f"Classmate {self.width}", "email": f"classmate-{self.width}@example.com",
                                                        "password": PASSWORD, "password_confirmation": PASSWORD})
            made = subprocess.run([BINARY, "code", "create", COURSE, "--count", "1", *DB], capture_output=True, text=True)
            classmate.open(f"/courses/{COURSE}")
            classmate.fill("form[action$='/code']", {"code": made.stdout.strip()})
            check(f"{self.width}px: a classmate takes a seat in another browser", "You are enrolled" in classmate.driver.page_source)
            started = time.monotonic()
            changed = self.wait_for(lambda d: d.find_element(By.CSS_SELECTOR, ".course-seats").text != seats, seconds=12)
            waited = time.monotonic() - started
            now = d.find_element(By.CSS_SELECTOR, ".course-seats").text
            check(f"{self.width}px: the open course page shows the seat taken without a reload ({seats!r} → {now!r} in {waited:.1f} s)",
                  changed and self.stayed(), f"changed in time: {changed}, no reload: {self.stayed()}")
            self.problems += classmate.problems
        finally:
            classmate.driver.quit()

    def cross_site_socket(self):
        """A page of another origin (another port of the same host: same site, so the browser would send the cookies)
        tries to open this site's live connection as the signed-in learner: refused before the upgrade."""
        import http.server
        import threading
        page = ("<!doctype html><title>waiting</title><script>const s = new WebSocket('" + BASE.replace("http", "ws") + "/live');"
                "s.onopen = () => { document.title = 'opened'; }; s.onerror = () => { document.title = 'refused'; };</script>")

        class Attacker(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = page.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        # A thread per connection, and each gives up on a silent client after 5 s: Chromium opens a spare connection it
        # may never use, and with one thread serve_forever sat reading it, so shutdown() below waited about 65 s for
        # Chromium to drop it (every CI run's journey, at each width, until this was seen in its timings).
        Attacker.timeout = 5
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Attacker)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            self.driver.get(f"http://127.0.0.1:{server.server_address[1]}/")
            self.wait_for(lambda d: d.title != "waiting")
            check(f"{self.width}px: another site's page cannot open the live connection with the learner's cookies",
                  self.driver.title == "refused", self.driver.title)
            self.driver.get_log("browser")  # the refusal is logged there; it is not this site's error
        finally:
            server.shutdown()
            server.server_close()

    def make_instructor(self):
        """Another person in another browser: registers, and the operator makes them an instructor of the course."""
        email = f"instructor-{self.width}@example.com"
        self.instructor = Journey(self.width)
        teacher = self.instructor
        teacher.open("/register")
        teacher.fill("form[action='/register']", {"name": f"Instructor {self.width}", "email": email, "password": PASSWORD,
                                                  "password_confirmation": PASSWORD})
        made = subprocess.run([BINARY, "course", "instructors", "add", COURSE, email, *DB], capture_output=True, text=True)
        check(f"{self.width}px: the operator makes an instructor ({made.stdout.strip() or made.stderr.strip()})", made.returncode == 0)

    def mailed_link(self, email, path):
        """The newest link to `path` in the mail sent to `email`, read from the outbox as the operator would."""
        listed = subprocess.run([BINARY, "mail", "list", "--json", *DB], capture_output=True, text=True)
        for message in json.loads(listed.stdout or "[]"):
            if message.get("to") == email:
                shown = subprocess.run([BINARY, "mail", "show", str(message["id"]), "--json", *DB], capture_output=True, text=True)
                found = re.search(r"https?://[^/\s]+(" + re.escape(path) + r"\S+)", json.loads(shown.stdout).get("body", ""))
                if found:
                    return found.group(1)
        return None

    def review(self, decision, feedback):
        """The instructor opens the oldest waiting submission of this learner and decides."""
        teacher = self.instructor
        teacher.open("/review")
        if decision == "return":
            teacher.shot("review-queue")
        items = [a for a in teacher.driver.find_elements(By.CSS_SELECTOR, ".review-queue a")
                 if a.text.startswith(f"Journey {self.width}:")]
        check(f"{self.width}px: the instructor's queue shows the submission", items)
        if not items:
            return
        teacher.click(f".review-queue a[href='{items[0].get_attribute('href').replace(BASE, '')}']")
        field = teacher.driver.find_element(By.ID, "feedback")
        field.clear()
        field.send_keys(feedback)
        before = self.unread()
        self.stay()
        teacher.click(f"form.review-form button[value='{decision}']")
        check(f"{self.width}px: the instructor's decision ({decision}) is saved", "Review saved" in teacher.driver.page_source)
        # The learner's page, open all along, counts the new notice and says it in the live region.
        risen = self.wait_for(lambda d: self.unread() > before)
        notice = [e.text for e in self.driver.find_elements(By.CSS_SELECTOR, ".live-notices .live-notice")]
        check(f"{self.width}px: the learner's header count rises without a reload ({before} → {self.unread()}) with a notice",
              risen and self.stayed() and any("Your work for" in text for text in notice), "; ".join(notice))
        if decision == "approve" and self.width == 1280:
            self.shot("live-notice")

    def checkpoint(self, lesson, returned_once):
        d = self.driver
        teacher = self.instructor
        watching = not returned_once
        if watching:
            # The instructor's queue is open while the work is sent: it grows without a reload.
            teacher.open("/review")
            teacher.stay()
        self.fill("form.checkpoint-form", {"text": "My catalogue app: factory, blueprints, tests.",
                                           "link": f"https://git.example.com/journey-{self.width}/app"})
        check(f"{self.width}px: work sent to {lesson}", "Your work was sent" in d.page_source, d.current_url)
        if watching:
            shown = teacher.wait_for(lambda t: any(a.text.startswith(f"Journey {self.width}:") for a in t.find_elements(By.CSS_SELECTOR, ".review-queue a")))
            check(f"{self.width}px: the open review queue shows the new submission without a reload", shown and teacher.stayed())
        if not returned_once:
            self.review("return", "Add a test for the 404 page, then send it again.")
            self.open(lesson)
            check(f"{self.width}px: the learner reads the feedback", "Add a test for the 404 page" in d.page_source)
            self.fill("form.checkpoint-form", {"text": "Now with a test for the 404 page."})
        self.review("approve", "Clean work.")
        self.open(lesson)
        check(f"{self.width}px: {lesson} is approved and complete", "You completed this lesson" in d.page_source)

    def run(self):
        email = f"journey-{self.width}@example.com"
        d = self.driver
        self.open("/")
        inner = d.execute_script("return window.innerWidth")
        check(f"{self.width}px: the window really is {self.width}px wide", inner == self.width, f"innerWidth {inner}")
        self.open("/blog")
        self.click("main article a[href^='/blog/']")
        check(f"{self.width}px: a post opens from the blog list", "/blog/" in d.current_url and d.find_elements(By.CSS_SELECTOR, "article"))
        self.open("/search?q=flask")
        check(f"{self.width}px: search finds posts", "flask" in d.page_source.lower() and "/blog/" in d.page_source)
        self.open("/api/docs")
        check(f"{self.width}px: the API reference lists its operations", "enrolInCourse" in d.page_source and "/api/openapi.yaml" in d.page_source)

        self.open(f"/courses/{COURSE}")
        first = d.find_element(By.CSS_SELECTOR, ".syllabus a[href*='/lessons/']").get_attribute("href").replace(BASE, "")
        self.open(first)
        check(f"{self.width}px: a visitor reads lesson 1 as a free preview", "A free preview of" in d.page_source
              and d.find_elements(By.CSS_SELECTOR, ".prose h2") and d.find_elements(By.CSS_SELECTOR, ".course-cta a.button-cta"), d.current_url)
        self.shot("preview")

        # "Enrol now" on the free course: the account, the enrolment and the first lesson in one step.
        self.open(f"/courses/{TASTER}")
        self.click(".course-cta a.button-cta")
        check(f"{self.width}px: Enrol now opens the sign-up form for this course", "and enrol in" in d.page_source, d.current_url)
        self.fill("form[action='/register']", {"name": f"Journey {self.width}", "email": email, "password": PASSWORD,
                                               "password_confirmation": PASSWORD})
        check(f"{self.width}px: signing up enrols and opens the first lesson in one step",
              f"/courses/{TASTER}/lessons/" in d.current_url and "you are enrolled" in d.page_source, d.current_url)
        check(f"{self.width}px: signed in, with a banner asking to confirm the address",
              d.find_elements(By.CSS_SELECTOR, "form[action='/logout']") and "Please confirm your email address" in d.page_source)
        self.shot("signed-up")
        link = self.mailed_link(email, "/account/verify/")
        check(f"{self.width}px: the verification link was mailed", link)
        if link:
            self.open(link)
            self.click("form[action^='/account/verify/'] button")
            check(f"{self.width}px: the address is confirmed", "your address is confirmed" in d.page_source
                  and "Please confirm your email address" not in d.page_source, d.current_url)
        self.log_out()
        check(f"{self.width}px: logged out", not d.find_elements(By.CSS_SELECTOR, "form[action='/logout']"))

        # The certificate course is sold by code: log in from its panel, then enter the code the school sent.
        self.open(f"/courses/{COURSE}")
        self.click(".course-cta a[href^='/login?enrol=']")
        self.fill("form[action='/login']", {"email": email, "password": PASSWORD})
        check(f"{self.width}px: logging in from the course lands on its code form", f"/courses/{COURSE}" in d.current_url
              and d.find_elements(By.CSS_SELECTOR, "form[action$='/code'] input[name='code']"), d.current_url)
        made = subprocess.run([BINARY, "code", "create", COURSE, "--count", "1", "--note", f"Journey {self.width}", *DB],
                              capture_output=True, text=True)
        code = made.stdout.strip()
        check(f"{self.width}px: the operator creates an access code ({code})", made.returncode == 0 and len(code) == 17, made.stderr)
        self.fill("form[action$='/code']", {"code": "22222-33333-44444"})
        check(f"{self.width}px: a wrong code says so and keeps what was typed",
              "does not give a place on this course" in d.page_source and 'value="22222-33333-44444"' in d.page_source)
        self.shot("code-refused")
        self.fill("form[action$='/code']", {"code": code.lower().replace("-", " ")})
        check(f"{self.width}px: the code (typed loosely) gives the place", "You are enrolled" in d.page_source, d.current_url)
        lessons = []
        for link in d.find_elements(By.CSS_SELECTOR, "a[href*='/lessons/']"):
            href = link.get_attribute("href").replace(BASE, "")
            if href not in lessons:
                lessons.append(href)
        self.classmate_takes_a_seat()
        self.make_instructor()
        failed_once = returned_once = False
        for lesson in lessons:
            self.open(lesson)
            if lesson == lessons[1]:
                self.shot("player")
            if d.find_elements(By.CSS_SELECTOR, "form.checkpoint-form"):
                self.checkpoint(lesson, returned_once)
                returned_once = True
            elif d.find_elements(By.CSS_SELECTOR, "form.quiz-form"):
                if not failed_once:
                    self.answer_quiz(lesson, right=False)
                    check(f"{self.width}px: a wrong answer to a knowledge check is not a pass", "Not passed yet" in d.page_source,
                          d.current_url)
                    self.shot("quiz-failed")
                    failed_once = True
                    self.open(lesson)
                self.answer_quiz(lesson, right=True)
                check(f"{self.width}px: the knowledge check of {lesson} is passed", "Passed:" in d.page_source, d.current_url)
            elif d.find_elements(By.CSS_SELECTOR, "form[action$='/complete'] button"):
                self.click("form[action$='/complete'] button")
        check(f"{self.width}px: completed {len(lessons)} lessons", len(lessons) >= 10, f"{len(lessons)} lesson links")

        self.open("/dashboard")
        certificate = d.find_elements(By.CSS_SELECTOR, "a[href^='/certificates/']")
        check(f"{self.width}px: the dashboard links the certificate", certificate)
        if certificate:
            path = certificate[0].get_attribute("href").replace(BASE, "")
            self.open(path)
            check(f"{self.width}px: the certificate names the learner", f"Journey {self.width}" in d.page_source)
            assessed = re.search(r"Assessed: ([^<]*)", d.page_source)
            check(f"{self.width}px: the certificate says what was assessed ({assessed.group(1) if assessed else 'nothing'})",
                  assessed and "knowledge checks passed, average" in assessed.group(1)
                  and "3 checkpoints approved by an instructor" in assessed.group(1))
            check(f"{self.width}px: the certificate names the course version", "Course version " in d.page_source)
            self.shot("certificate")
            d.get(BASE + path + ".json")
            data = json.loads(d.find_element(By.TAG_NAME, "body").text)
            check(f"{self.width}px: the verification data says valid", data.get("valid") is True or data.get("status") == "valid",
                  str(data)[:200])
            check(f"{self.width}px: the verification data says what was assessed",
                  data.get("assessed", {}).get("checkpoints_approved") == 3 and data.get("course_version"), str(data)[:300])

        # The inbox: the instructor's reviews and the certificate, counted in the navigation until read.
        self.open("/notifications")
        check(f"{self.width}px: the inbox tells of the certificate and the reviews",
              "Your certificate for" in d.page_source and "was approved." in d.page_source)
        check(f"{self.width}px: the navigation counts unread notifications", d.find_elements(By.CSS_SELECTOR, ".nav-count"))
        self.shot("notifications")
        self.click("form[action='/notifications/read'] button[type=submit]")
        check(f"{self.width}px: every notification is marked read",
              "Every notification is marked as read." in d.page_source and not d.find_elements(By.CSS_SELECTOR, ".nav-count"))

        self.cross_site_socket()

        # An access token for a program: its secret once, then only a hint; revoked from the same page.
        self.open("/account/tokens")
        self.fill("form[action='/account/tokens']", {"name": f"Journey {self.width}", "current_password": PASSWORD})
        self.inspect(fresh=True)
        secret = d.find_element(By.ID, "new-token").get_attribute("value") if d.find_elements(By.ID, "new-token") else ""
        check(f"{self.width}px: an access token is made and its secret shown once", secret.startswith("lct_") and len(secret) == 47, secret[:8])
        self.open("/account/tokens")
        check(f"{self.width}px: the token list shows a hint, never the secret", secret and secret not in d.page_source and secret[-4:] in d.page_source)
        self.click("form[action$='/revoke'] button[type=submit]")
        self.inspect()
        check(f"{self.width}px: the token is revoked", "programs using it are refused" in d.page_source)

        self.open("/account")
        self.fill("form[action='/account/password']", {"current_password": PASSWORD, "password": NEW_PASSWORD,
                                                       "password_confirmation": NEW_PASSWORD})
        check(f"{self.width}px: password changed", "/account" in d.current_url or "/login" in d.current_url, d.current_url)
        if d.find_elements(By.CSS_SELECTOR, "form[action='/logout']"):
            self.log_out()
        self.open("/login")
        self.fill("form[action='/login']", {"email": email, "password": NEW_PASSWORD})
        check(f"{self.width}px: the new password logs in", d.find_elements(By.CSS_SELECTOR, "form[action='/logout']"))
        self.log_out()
        problems = self.problems + self.instructor.problems
        check(f"{self.width}px: {self.pages + self.instructor.pages} page views without console errors, broken images or overflow",
              not problems, "; ".join(problems[:5]))
        audited = self.audited | self.instructor.audited
        findings = self.findings + self.instructor.findings
        check(f"{self.width}px: axe-core {self.axe_version or self.instructor.axe_version} on {len(audited)} pages "
              f"({sum(1 for _, signed_in in audited if not signed_in)} as a visitor, {sum(1 for _, signed_in in audited if signed_in)} signed in): "
              f"no serious or critical finding", AXE is not None and audited and not findings,
              "no LECTERN_AXE_SCRIPT" if AXE is None else "; ".join(findings[:6]) + (f" … and {len(findings) - 6} more" if len(findings) > 6 else ""))
        for finding in findings:
            print("  axe: " + finding)
        d.quit()
        self.instructor.driver.quit()


def header_links(width):
    """From 320 to 1280 px every link of the header is reachable (on phones through the Menu), signed out and in,
    and no page is wider than the window."""
    driver = browser(width)
    try:
        for signed_in in (False, True):
            if signed_in:
                driver.get(BASE + "/register")
                for name, value in {"name": f"Header {width}", "email": f"header-{width}@example.com", "password": PASSWORD,
                                    "password_confirmation": PASSWORD}.items():
                    driver.find_element(By.CSS_SELECTOR, f"form[action='/register'] [name='{name}']").send_keys(value)
                driver.find_element(By.CSS_SELECTOR, "form[action='/register'] button[type=submit]").click()
            driver.get(BASE + "/blog")
            menus = [m for m in driver.find_elements(By.CSS_SELECTOR, ".nav-menu > summary") if m.is_displayed()]
            if menus:
                menus[0].click()
            wanted = ["Blog", "Courses", "Search"] + (["Dashboard", "Account", "Log out"] if signed_in else ["Log in", "Register"])
            shown = {e.text.strip() for e in driver.find_elements(By.CSS_SELECTOR, ".site-nav a, .site-nav button") if e.is_displayed()}
            missing = [name for name in wanted if name not in shown]
            overflow = driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
            check(f"{width}px header ({'signed in' if signed_in else 'visitor'}): every link reachable{' through the Menu' if menus else ''}, "
                  f"no overflow", not missing and overflow <= 0, f"missing {missing}, overflow {overflow}px")
    finally:
        driver.quit()


# JOURNEY_WIDTHS="1280" (say) keeps only those widths: the topology check runs the journey once, through nginx, for
# what several instances change; the layout at every width is this suite's.
WIDTHS = [int(width) for width in os.environ.get("JOURNEY_WIDTHS", "").split()]
for width in (320, 390, 768, 1280):
    if not WIDTHS or width in WIDTHS:
        header_links(width)
for width in (1280, 390):
    if not WIDTHS or width in WIDTHS:
        Journey(width).run()
print(f"\n{sum(results)} of {len(results)} journey checks passed")
sys.exit(0 if all(results) else 1)
