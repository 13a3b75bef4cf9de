import Foundation
import LecternServices

/// What a live client sends: `{"type":"subscribe","topic":"course:flask-certificate","after":1234}` (`after`: the last
/// event id it saw, to receive what it missed) or `{"type":"unsubscribe","topic":"…"}`.
struct LiveCommand: Decodable {
    enum Kind: String, Decodable {
        case subscribe
        case unsubscribe
    }

    var type: Kind
    var topic: String
    var after: Int64?
}

/// What the server sends besides events: the answer to each command, and errors that leave the connection open.
struct LiveReply: Encodable {
    /// `subscribed`, `unsubscribed` or `error`.
    var type: String
    var topic: String?
    /// For `subscribed`: the id to resume from until an event comes (every event carries its own).
    var position: Int64?
    /// For `subscribed` with an `after` too old to catch up from: reload what the topic shows, then follow from here.
    var reset: Bool?
    /// For `error`: a stable code (`bad-message`, `unknown-topic`, `sign-in-needed`, `not-an-instructor`,
    /// `no-such-course`, `too-many-subscriptions`, `not-subscribed`) and what to do about it.
    var error: String?
    var detail: String?

    static func error(_ code: String, topic: String? = nil, _ detail: String) -> LiveReply {
        LiveReply(type: "error", topic: topic, reset: nil, error: code, detail: detail)
    }
}

/// An event as it goes on the wire: the message with `"type":"event"`.
struct LiveEventFrame: Encodable {
    let type = "event"
    let message: LiveMessage

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(type, forKey: .type)
        try message.encode(to: encoder)
    }

    private enum CodingKeys: String, CodingKey { case type }
}

/// The close codes a live client may meet. A client reconnects after 1001, 1013 and 4008 with its last id, not after the others.
enum LiveCloseCode {
    /// The server is stopping.
    static let goingAway: UInt16 = 1001
    /// More messages waited for the client than `LiveLimits.queue`.
    static let slowConsumer: UInt16 = 4008
    /// An event the client was owed could not be read just now.
    static let tryAgain: UInt16 = 1013
    /// The token in `Authorization` is unknown, expired or revoked.
    static let invalidToken: UInt16 = 4001
    /// Too many live connections for this account or network, or too many wrong tokens from it.
    static let tooMany: UInt16 = 4029
    /// Too many messages from the client.
    static let policy: UInt16 = 1008
    /// A message over `LiveController.maxMessageSize`.
    static let tooBig: UInt16 = 1009
}
