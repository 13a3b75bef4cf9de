"""The Flask peer of issue 13: the signed-in course page as the school's old stack would serve it.

A plain Flask app (Jinja2, stdlib sqlite3 with a connection per request, as Flask's tutorial does), reading Lectern's own
benchmark database, so both servers answer the same learner, with the same session cookie, from the same rows. Run by Benchmarks/run
under gunicorn with 2 sync workers. It is a yardstick, not a product: it only reads.
"""

import hashlib
import json
import os
import sqlite3

from flask import Flask, abort, g, render_template, request

app = Flask(__name__)
DATABASE = os.environ["LECTERN_BENCH_DB"]


def db():
    if "db" not in g:
        g.db = sqlite3.connect(f"file:{DATABASE}?mode=ro", uri=True)
        g.db.row_factory = sqlite3.Row
    return g.db


@app.teardown_appcontext
def close_db(_exception):
    connection = g.pop("db", None)
    if connection is not None:
        connection.close()


def current_session():
    cookie = request.cookies.get("lectern_session")
    if not cookie:
        return None
    id_hash = hashlib.sha256(cookie.encode()).hexdigest()
    return db().execute(
        "SELECT sessions.csrf_token, users.id AS user_id, users.name FROM sessions JOIN users ON users.id = sessions.user_id "
        "WHERE sessions.id_hash = ?",
        (id_hash,),
    ).fetchone()


@app.get("/courses/<slug>")
def course(slug):
    session = current_session()
    row = db().execute("SELECT * FROM course WHERE slug = ? AND is_removed = 0", (slug,)).fetchone()
    if row is None:
        abort(404)
    lessons = db().execute(
        "SELECT id, slug, title, module, is_optional, reading_minutes FROM lesson WHERE course_id = ? AND is_removed = 0 ORDER BY position",
        (row["id"],),
    ).fetchall()
    enrolled, done, certificate = False, set(), None
    if session is not None:
        enrolled = (
            db().execute("SELECT 1 FROM enrolment WHERE user_id = ? AND course_id = ?", (session["user_id"], row["id"])).fetchone()
            is not None
        )
        done = {
            r[0]
            for r in db().execute(
                "SELECT lesson_completion.lesson_id FROM lesson_completion JOIN lesson ON lesson.id = lesson_completion.lesson_id "
                "WHERE lesson_completion.user_id = ? AND lesson.course_id = ?",
                (session["user_id"], row["id"]),
            )
        }
        certificate = db().execute(
            "SELECT code FROM certificate WHERE user_id = ? AND course_id = ?", (session["user_id"], row["id"])
        ).fetchone()
    modules = []
    for lesson in lessons:
        if not modules or modules[-1]["name"] != lesson["module"]:
            modules.append({"name": lesson["module"], "lessons": []})
        modules[-1]["lessons"].append({**dict(lesson), "done": lesson["id"] in done})
    required = [lesson for lesson in lessons if not lesson["is_optional"]]
    completed = sum(1 for lesson in required if lesson["id"] in done)
    return render_template(
        "course.html",
        session=session,
        course=row,
        outcomes=json.loads(row["outcomes"]),
        instructors=json.loads(row["instructors"]),
        modules=modules,
        enrolled=enrolled,
        certificate=certificate,
        completed=completed,
        required=len(required),
        percent=(completed * 100 // len(required)) if required else 0,
    )
