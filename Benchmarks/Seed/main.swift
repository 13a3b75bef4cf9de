import Foundation
import LecternCore
import LecternStore

// Seeds a benchmark site. Not part of the product: `Benchmarks/run` calls it.
//
//   BenchmarkSeed content <folder> <posts> [first]       write <posts> Markdown posts (numbered from <first>) and two courses
//   BenchmarkSeed accounts <database> <users> <folder>   create users enrolled in the benchmark course, one signed-in
//                                                        session each (<folder>/sessions.txt) and anonymous sessions
//                                                        for login forms (<folder>/anonymous.txt)

let arguments = CommandLine.arguments.dropFirst().map { $0 }

func usage() -> Never {
    FileHandle.standardError.write(Data("usage: BenchmarkSeed content <folder> <posts> [first] | accounts <database> <users> <folder>\n".utf8))
    exit(2)
}

/// A small deterministic generator, so every run benchmarks the same text.
struct Generator {
    var state: UInt64
    mutating func next(_ bound: Int) -> Int {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int((state >> 33) % UInt64(bound))
    }
}

let sentences = [
    "A Flask application starts small, with one module and a handful of routes, and grows by blueprints.",
    "Python makes the first version easy to write; tests keep the second version honest.",
    "The application factory builds a fresh app for each test, with its own configuration and database.",
    "Jinja templates escape what they print, so a learner's name never turns into markup.",
    "SQLAlchemy sessions should be short: open one per request and close it when the response is sent.",
    "Alembic migrations record each change to the schema, and review them like any other code.",
    "Gunicorn runs several worker processes; put it behind a reverse proxy that speaks TLS.",
    "A Docker image for Python should install dependencies in one layer and copy the code in the next.",
    "Password hashes belong in a slow function such as argon2id, never in a fast digest.",
    "Caching a rendered page is cheap when you know exactly what makes it change.",
    "Every form needs a CSRF token, and every cookie that carries a session needs SameSite and HttpOnly.",
    "Logging a request id with each line makes a production bug a search instead of a guess.",
    "pytest fixtures compose: a client fixture can depend on an app fixture that depends on a database.",
    "Type hints help editors more than they help the interpreter, and that is reason enough.",
    "A JSON API should return problems in a consistent shape with the right HTTP status.",
    "Background jobs need idempotent handlers, because every queue delivers some messages twice.",
]
let categories = ["Flask", "Testing", "Databases", "Deployment", "Security", "Python", "APIs", "Teaching"]
let tags = (1...30).map { "topic-\($0)" }

/// "fieldnotesaaa", "fieldnotesaab", …: one word per group of five posts.
func rareWord(_ group: Int) -> String {
    let letters = Array("abcdefghijklmnopqrstuvwxyz")
    return "fieldnotes" + String([letters[group / 676 % 26], letters[group / 26 % 26], letters[group % 26]])
}

func writeContent(folder: String, count: Int, first: Int) throws {
    let root = URL(fileURLWithPath: folder)
    let posts = root.appendingPathComponent("posts")
    try FileManager.default.createDirectory(at: posts, withIntermediateDirectories: true)
    var generator = Generator(state: UInt64(first))
    let start = Date(timeIntervalSince1970: 1_483_228_800)  // 2017-01-01
    for number in first..<(first + count) {
        let date = start.addingTimeInterval(Double(number) * 26_000)
        let day = ISO8601DateFormatter.string(from: date, timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate])
        var body = ""
        for paragraph in 0..<8 {
            if paragraph == 3 { body += "## Part \(number % 7 + 1)\n\n" }
            body += (0..<6).map { _ in sentences[generator.next(sentences.count)] }.joined(separator: " ") + "\n\n"
        }
        // A word five posts share and no other does ("fieldnotes" + three letters): what a search for a rare word finds.
        body += "Filed with the \(rareWord(number / 5)) notes.\n\n"
        body += "```python\n@app.get(\"/posts/<int:number>\")\ndef post(number):\n    return render_template(\"post.html\", number=number)\n```\n"
        let postTags = (0..<3).map { _ in tags[generator.next(tags.count)] }
        let text = """
            ---
            title: "Benchmark post \(number): notes on \(categories[number % categories.count].lowercased())"
            author: "Author \(number % 12)"
            date: \(day)
            category: \(categories[number % categories.count])
            tags: [\(postTags.joined(separator: ", "))]
            ---
            \(body)
            """
        try Data(text.utf8).write(to: posts.appendingPathComponent(String(format: "benchmark-post-%05d.md", number)))
    }
    // The third takes only new places (Benchmarks/run's "1,000 new places"), with a capacity, as certificate courses have.
    for (slug, title, capacity) in [
        ("benchmark-course", "Benchmark Course", ""), ("benchmark-open-course", "Open Benchmark Course", ""),
        ("benchmark-capped-course", "Capped Benchmark Course", "capacity: 5000\n"),
    ] {
        let lessons = root.appendingPathComponent("courses/\(slug)/lessons")
        try FileManager.default.createDirectory(at: lessons, withIntermediateDirectories: true)
        try Data(
            """
            ---
            title: "\(title)"
            subtitle: "A course for the benchmark"
            level: Short course
            duration: 4 weeks
            price: "£100"
            instructors: [Author 1]
            outcomes: [A measured server]
            benefits: [Numbers you can trust]
            modules: [Basics, Practice]
            \(capacity)---
            \(sentences.prefix(6).joined(separator: " "))

            """.utf8
        ).write(to: root.appendingPathComponent("courses/\(slug)/course.md"))
        for lesson in 1...5 {
            try Data(
                "---\ntitle: \"Lesson \(lesson)\"\nmodule: \(lesson <= 2 ? "Basics" : "Practice")\n---\n\(sentences.shuffled().prefix(12).joined(separator: " "))\n"
                    .utf8
            ).write(to: lessons.appendingPathComponent(String(format: "%02d-lesson-%d.md", lesson, lesson)))
        }
    }
}

func seedAccounts(database path: String, users: Int, folder: String) async throws {
    let database = try LecternDatabase.open(path: path)
    let userStore = database.users
    let sessions = database.sessions(lifetime: SessionLifetime(idle: 30 * 86_400, absolute: 60 * 86_400, anonymousIdle: 86_400))
    let enrolments = database.enrolments
    guard let course = try await database.courses.course(slug: "benchmark-course") else {
        throw NSError(domain: "seed", code: 1, userInfo: [NSLocalizedDescriptionKey: "run `lectern content sync` on the benchmark content first"])
    }
    // One hash for everyone: the benchmark measures the server, not the seeding.
    let hash = try PasswordHash.make("benchmark password 2026", parameters: .owaspMinimum)
    var signedIn = ""
    for number in 1...users {
        let email = try EmailAddress(String(format: "learner%04d@bench.example", number))
        let user = try await userStore.create(email: email, name: "Learner \(number)", passwordHash: hash, verified: true)
        _ = try await enrolments.enrol(userID: user.id, courseID: course.id, byOperator: true)
        let (id, record) = try await sessions.create(userID: user.id, userAgent: "wrk", clientAddress: "127.0.0.1")
        signedIn += "\(id) \(record.csrfToken) \(email.value)\n"
    }
    var anonymous = ""
    for _ in 0..<20_000 {
        let (id, record) = try await sessions.create(userID: nil, userAgent: "wrk", clientAddress: "127.0.0.1")
        anonymous += "\(id) \(record.csrfToken)\n"
    }
    try Data(signedIn.utf8).write(to: URL(fileURLWithPath: folder).appendingPathComponent("sessions.txt"))
    try Data(anonymous.utf8).write(to: URL(fileURLWithPath: folder).appendingPathComponent("anonymous.txt"))
    try database.close()
}

switch arguments.first {
case "content" where arguments.count >= 3:
    guard let count = Int(arguments[2]) else { usage() }
    try writeContent(folder: arguments[1], count: count, first: arguments.count > 3 ? Int(arguments[3]) ?? 1 : 1)
case "accounts" where arguments.count == 4:
    guard let users = Int(arguments[2]) else { usage() }
    try await seedAccounts(database: arguments[1], users: users, folder: arguments[3])
default:
    usage()
}
