#!/usr/bin/env python3
"""A learner's whole journey in headless Chromium, at desktop and phone widths.

Read the blog, search, open a post, register, log out, log in, enrol, complete every lesson, open the certificate
and its verification data, change the password, log out. Every page is checked for JavaScript console errors,
broken images and (at 390 px) content wider than the screen.

Usage: journey.py http://127.0.0.1:PORT
"""
import json
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

BASE = sys.argv[1].rstrip("/")
PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a brand new passphrase 2026"
results = []


def check(name, ok, detail=""):
    results.append(bool(ok))
    print(("PASS " if ok else "FAIL ") + name + ("" if ok or not detail else f"  ({detail})"))


def browser(width):
    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", f"--window-size={width},900"]:
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    # Headless Chromium starts no narrower than 500px whatever --window-size says; resizing gets the real width.
    driver.set_window_size(width, 900)
    return driver


class Journey:
    def __init__(self, width):
        self.width = width
        self.driver = browser(width)
        self.problems = []
        self.pages = 0

    def inspect(self):
        """Console errors, broken images and horizontal overflow on the page now shown."""
        self.pages += 1
        path = self.driver.current_url.replace(BASE, "")
        for entry in self.driver.get_log("browser"):
            if entry.get("level") == "SEVERE":
                self.problems.append(f"{path}: console: {entry.get('message')}")
        broken = self.driver.execute_script(
            "return [...document.images].filter(i => i.complete && i.naturalWidth === 0).map(i => i.src)")
        self.problems += [f"{path}: broken image {src}" for src in broken]
        overflow = self.driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            self.problems.append(f"{path}: {overflow}px wider than the {self.width}px window")

    def open(self, path):
        self.driver.get(BASE + path)
        self.inspect()

    def click(self, selector):
        element = self.driver.find_element(By.CSS_SELECTOR, selector)
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        element.click()
        time.sleep(0.05)
        self.inspect()

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

        self.open("/register")
        self.fill("form[action='/register']", {"name": f"Journey {self.width}", "email": email, "password": PASSWORD,
                                               "password_confirmation": PASSWORD})
        check(f"{self.width}px: registering leads to the login page", "/login" in d.current_url, d.current_url)
        self.fill("form[action='/login']", {"email": email, "password": PASSWORD})
        check(f"{self.width}px: logged in", d.find_elements(By.CSS_SELECTOR, "form[action='/logout']"))
        self.log_out()
        check(f"{self.width}px: logged out", not d.find_elements(By.CSS_SELECTOR, "form[action='/logout']"))
        self.open("/login")
        self.fill("form[action='/login']", {"email": email, "password": PASSWORD})

        self.open("/courses/flask-framework-certificate")
        self.click("form[action$='/enrol'] button")
        check(f"{self.width}px: enrolled", "enrolled" in d.page_source.lower(), d.current_url)
        lessons = []
        for link in d.find_elements(By.CSS_SELECTOR, "a[href*='/lessons/']"):
            href = link.get_attribute("href").replace(BASE, "")
            if href not in lessons:
                lessons.append(href)
        for lesson in lessons:
            self.open(lesson)
            if d.find_elements(By.CSS_SELECTOR, "form[action$='/complete'] button"):
                self.click("form[action$='/complete'] button")
        check(f"{self.width}px: completed {len(lessons)} lessons", len(lessons) >= 10, f"{len(lessons)} lesson links")

        self.open("/dashboard")
        certificate = d.find_elements(By.CSS_SELECTOR, "a[href^='/certificates/']")
        check(f"{self.width}px: the dashboard links the certificate", certificate)
        if certificate:
            path = certificate[0].get_attribute("href").replace(BASE, "")
            self.open(path)
            check(f"{self.width}px: the certificate names the learner", f"Journey {self.width}" in d.page_source)
            d.get(BASE + path + ".json")
            data = json.loads(d.find_element(By.TAG_NAME, "body").text)
            check(f"{self.width}px: the verification data says valid", data.get("valid") is True or data.get("status") == "valid",
                  str(data)[:200])

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
        check(f"{self.width}px: {self.pages} page views without console errors, broken images or overflow", not self.problems,
              "; ".join(self.problems[:5]))
        d.quit()


for width in (1280, 390):
    Journey(width).run()
print(f"\n{sum(results)} of {len(results)} journey checks passed")
sys.exit(0 if all(results) else 1)
