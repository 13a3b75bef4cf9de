import Foundation
import LecternCore
import LecternStore

/// What a live connection may follow, as a client names it: `course:<slug>` (a course's public state: anyone), `me` (the
/// signed-in person's own notices and progress), `reviews:<slug>` (a course's review queue: its instructors) or
/// `reviews` (the queue of every course the signed-in instructor teaches, as the review page shows it).
public enum LiveTopic: Hashable, Sendable, CustomStringConvertible {
    case course(String)
    case mine
    case reviews(String)
    case queue

    /// The topic a client's text names, or nil.
    public init?(_ text: String) {
        switch text {
        case "me":
            self = .mine
            return
        case "reviews":
            self = .queue
            return
        default: break
        }
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, Slug.isValid(parts[1]) else { return nil }
        switch parts[0] {
        case "course": self = .course(parts[1])
        case "reviews": self = .reviews(parts[1])
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .course(let slug): "course:\(slug)"
        case .mine: "me"
        case .reviews(let slug): "reviews:\(slug)"
        case .queue: "reviews"
        }
    }
}

/// A topic a caller was allowed to follow, with what matching events needs.
public struct LiveSubscription: Hashable, Sendable {
    public var topic: LiveTopic
    let courseID: Int64?
    let userID: Int64?
}

/// One message for a live client: the event's id (to resume from), the topic it came on, what happened, and the
/// course's public state when the topic is a course's. Never a learner's identity on a shared topic.
public struct LiveMessage: Sendable, Equatable, Encodable {
    public var id: Int64
    public var topic: String
    public var event: String
    public var course: String?
    /// For `me`: the notice's or the lesson's id, as the event names it.
    public var subject: Int64?
    /// For a course's topic: open, full, opens or closed, and the seats left when it takes learners.
    public var availability: String?
    public var seatsLeft: Int?
    /// For `me`: the notice the event put in the inbox, if it made one, and how many notices are unread now.
    public var notice: Notice?
    public var unread: Int?

    /// A notice as the inbox shows it: its id (`/notifications/<id>` opens it), what it says, and where it leads.
    public struct Notice: Sendable, Equatable, Encodable {
        public var id: Int64
        public var text: String
        public var path: String
    }
}

/// Why a subscription was refused.
public enum LiveRefusal: Error, Sendable, Equatable {
    case unknownTopic(String)
    case signInNeeded(LiveTopic)
    case notAnInstructor(String)
}

/// The live side of the event log: who may follow what, and which stored events become which messages. Events are
/// read from the log (stored first, in the transaction of each change), so a client that reconnects with the last id
/// it saw gets exactly what it missed, within the retention, whichever process made the change.
public struct LiveFeed: Sendable {
    let events: EventLog
    let catalogue: Catalogue
    let checkpoints: CheckpointStore
    let notifications: NotificationStore

    /// Kinds a course's public topic tells of.
    static let courseKinds: Set<EventKind> = [
        .enrolled, .left, .seatsChanged, .enrolmentSwitched, .waitlistPromoted, .requested, .requestWithdrawn, .requestDecided,
    ]
    /// Kinds a review queue tells of: work sent and reviewed, requests for places made, withdrawn, decided or settled.
    static let queueKinds: Set<EventKind> = [
        .checkpointSubmitted, .checkpointReviewed, .requested, .requestWithdrawn, .requestDecided, .waitlistPromoted,
        // A place given another way (a code, an operator) settles a pending request too.
        .enrolled,
    ]
    /// Kinds a learner's own topic tells of.
    static let personalKinds: Set<EventKind> = [
        .enrolled, .left, .waitlistPromoted, .requested, .requestWithdrawn, .requestDecided, .lessonCompleted, .quizPassed, .checkpointSubmitted, .checkpointReviewed,
        .certificateIssued, .certificateRevoked,
    ]

    public init(database: any SiteDatabase, catalogue: Catalogue? = nil) {
        self.events = database.events
        self.catalogue = catalogue ?? Catalogue(database: database)
        self.checkpoints = database.checkpoints
        self.notifications = database.notifications
    }

    /// The subscription to `text` for `user` (nil: a visitor), or why not.
    public func subscribe(_ text: String, as user: User?) async throws -> LiveSubscription {
        guard let topic = LiveTopic(text) else { throw LiveRefusal.unknownTopic(String(text.prefix(60))) }
        switch topic {
        case .course(let slug):
            return LiveSubscription(topic: topic, courseID: try await catalogue.course(slug).id, userID: nil)
        case .mine:
            guard let user else { throw LiveRefusal.signInNeeded(topic) }
            return LiveSubscription(topic: topic, courseID: nil, userID: user.id)
        case .reviews(let slug):
            guard let user else { throw LiveRefusal.signInNeeded(topic) }
            let course = try await catalogue.course(slug)
            let teaches = user.role == .admin ? true : try await checkpoints.teaches(userID: user.id, courseID: course.id)
            guard teaches else { throw LiveRefusal.notAnInstructor(slug) }
            return LiveSubscription(topic: topic, courseID: course.id, userID: nil)
        case .queue:
            guard let user else { throw LiveRefusal.signInNeeded(topic) }
            guard user.role == .admin ? true : try await checkpoints.teachesAnyCourse(userID: user.id) else { throw LiveRefusal.notAnInstructor("any course") }
            // An administrator sees every course's queue (userID nil); an instructor those of the courses they teach.
            return LiveSubscription(topic: topic, courseID: nil, userID: user.role == .admin ? nil : user.id)
        }
    }

    /// The message `event` makes on `subscription`, or nil when it is not the subscription's business.
    public func message(_ event: StoredEvent, on subscription: LiveSubscription) async throws -> LiveMessage? {
        guard let kind = EventKind(rawValue: event.kind) else { return nil }
        var message = LiveMessage(id: event.id, topic: subscription.topic.description, event: kind.rawValue)
        switch subscription.topic {
        case .course(let slug):
            guard Self.courseKinds.contains(kind), event.courseID == subscription.courseID else { return nil }
            let availability = try await catalogue.course(slug).availability(at: Date())
            (message.course, message.availability, message.seatsLeft) = (slug, availability.name, availability.seatsLeft)
        case .mine:
            guard Self.personalKinds.contains(kind), event.userID == subscription.userID else { return nil }
            message.subject = event.subjectID
            message.course = try await slug(of: event.courseID)
            if EventKind.inbox.contains(kind), let userID = subscription.userID {
                let (item, unread) = try await notifications.notice(eventID: event.id, userID: userID)
                message.notice = item.map { LiveMessage.Notice(id: $0.id, text: $0.sentence, path: $0.path) }
                message.unread = unread
            }
        case .reviews(let slug):
            guard Self.queueKinds.contains(kind), event.courseID == subscription.courseID else { return nil }
            (message.course, message.subject) = (slug, event.subjectID)
        case .queue:
            guard Self.queueKinds.contains(kind), let courseID = event.courseID else { return nil }
            if let teacher = subscription.userID { guard try await checkpoints.teaches(userID: teacher, courseID: courseID) else { return nil } }
            (message.course, message.subject) = (try await slug(of: courseID), event.subjectID)
        }
        return message
    }

    /// Events after `id`, oldest first, at most `limit` (what a connection missed, or what is new since the last look).
    public func events(after id: Int64, limit: Int = 500) async throws -> [StoredEvent] {
        try await events.events(after: id, limit: limit)
    }

    /// The id of the newest event: where a new connection without a last id starts.
    public func newest() async throws -> Int64 {
        try await events.newestID()
    }

    private func slug(of courseID: Int64?) async throws -> String? {
        guard let courseID else { return nil }
        return try await catalogue.catalogue().first { $0.id == courseID }?.summary.slug
    }
}
