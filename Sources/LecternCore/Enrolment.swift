import Foundation

/// How a place on a course is obtained (`enrolment:` in `course.md`).
public enum EnrolmentMode: String, Sendable, CaseIterable {
    /// Anyone with an account enrols themselves while the course is open and has a seat.
    case open
    /// A learner enters an access code the school sold or gave them (an invoice, a purchase order, a scholarship).
    case code
    /// A learner asks for a place; an instructor or administrator approves or declines.
    case approval
}

/// A learner's request for a place on an `approval` course.
public struct EnrolmentRequest: Sendable, Equatable {
    public enum Status: String, Sendable {
        /// Waiting for a decision; it holds a seat meanwhile.
        case pending
        case approved
        case declined
        case withdrawn
    }

    public var id: Int64
    public var userID: Int64
    public var courseID: Int64
    public var learnerEmail: String
    public var learnerName: String
    public var courseSlug: String
    public var courseTitle: String
    public var note: String
    public var status: Status
    public var requestedAt: Date
    public var decidedAt: Date?
    public var reason: String?

    public init(
        id: Int64, userID: Int64, courseID: Int64, learnerEmail: String, learnerName: String, courseSlug: String, courseTitle: String, note: String,
        status: Status, requestedAt: Date, decidedAt: Date? = nil, reason: String? = nil
    ) {
        self.id = id
        self.userID = userID
        self.courseID = courseID
        self.learnerEmail = learnerEmail
        self.learnerName = learnerName
        self.courseSlug = courseSlug
        self.courseTitle = courseTitle
        self.note = note
        self.status = status
        self.requestedAt = requestedAt
        self.decidedAt = decidedAt
        self.reason = reason
    }
}

/// What asking for a place, entering a code or joining a waitlist did.
public enum PlaceOutcome: Sendable, Equatable {
    /// Enrolled now.
    case enrolled
    /// The course is full: the learner is on its waitlist at `position` (1 is next).
    case waitlisted(position: Int)
    /// A request now waits for a decision (it holds a seat).
    case requested
    case alreadyEnrolled
    /// The course does not take learners now.
    case refused(EnrolmentState)
    /// The course gives places another way (by code, by approval, or to anyone: `open`).
    case needs(EnrolmentMode)
}

/// Why an access code did not give a place; each has its own message for the learner.
public enum AccessCodeProblem: Error, Sendable, Equatable {
    /// No such code, or a code for another course (the learner is not told which: that would help guessing).
    case unknown
    case used
    case expired(Date)
    case revoked
    /// The learner already used this code (for a place they hold or wait for).
    case alreadyRedeemed
}

/// Access codes: readable, typed by hand, and unguessable.
public enum AccessCode {
    /// No 0/O, 1/I/L or U: nothing a reader could mistake for something else.
    public static let alphabet = Array("23456789ABCDEFGHJKMNPQRSTVWXYZ")
    /// Three groups of five: 15 characters of 30 possible each, about 73.6 bits.
    public static let groups = 3
    public static let groupLength = 5

    public static var bits: Double { Double(groups * groupLength) * log2(Double(alphabet.count)) }

    /// A new code such as `7KQ2M-XW9FD-R4TCN`, from the system's secure random source.
    public static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<groups).map { _ in String((0..<groupLength).map { _ in alphabet.randomElement(using: &generator)! }) }
            .joined(separator: "-")
    }

    /// The stored form of what a learner typed: capitals, the dashes and spaces they may or may not have typed
    /// put back where they belong; nil when it cannot be a code (so it is refused without a lookup).
    public static func normalize(_ typed: String) -> String? {
        let characters = typed.uppercased().filter { !$0.isWhitespace && $0 != "-" && $0 != "–" }
        guard characters.count == groups * groupLength, characters.allSatisfy(alphabet.contains) else { return nil }
        let letters = Array(characters)
        return (0..<groups).map { String(letters[($0 * groupLength)..<(($0 + 1) * groupLength)]) }.joined(separator: "-")
    }
}
