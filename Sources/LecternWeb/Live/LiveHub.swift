import Foundation
import LecternCore
import LecternServices
import LecternStore

/// The live connections of this process and what each follows. One loop (`tick`, run by `LiveEventPump`) reads the
/// event log and is the only thing that sends: first what resuming connections missed, up to where the loop stands,
/// then what is new to everyone, so nothing is sent twice and nothing is skipped. Each connection has a bounded queue:
/// a client that does not keep up is cut off with a close code (it reconnects with its last id and misses nothing)
/// instead of holding up the others. The transport (the WebSocket handler) only moves `Output`s to the wire.
actor LiveHub {
    struct Limits: Sendable {
        var connectionsPerUser = 5
        var connectionsPerNetwork = 50
        var subscriptionsPerConnection = 10
        /// Messages waiting for one slow client before it is cut off.
        var queue = 256
    }

    /// What the transport sends, in order.
    enum Output: Sendable, Equatable {
        case message(LiveMessage)
        /// Then the connection ends: `code` is the WebSocket close code.
        case close(code: UInt16, reason: String)
    }

    /// Why a connection or a subscription was refused.
    enum Refusal: Error, Equatable {
        case tooManyConnections
        case tooManySubscriptions(Int)
    }

    static let slowConsumer: UInt16 = 4008
    static let goingAway: UInt16 = 1001

    private struct Connection {
        var userID: Int64?
        var network: String
        var subscriptions: Set<LiveSubscription> = []
        var continuation: AsyncStream<Output>.Continuation
        /// Room left in the client's queue after the last message.
        var room: Int
        /// Set by a subscription with a last id: what it missed is sent at the next tick.
        var resumeAfter: Int64?
    }

    let limits: Limits
    private var connections: [Int: Connection] = [:]
    private var nextID = 0
    /// The last event every connection has been given (new connections start here).
    private(set) var position: Int64 = 0

    init(limits: Limits = Limits(), position: Int64 = 0) {
        self.limits = limits
        self.position = position
    }

    var count: Int { connections.count }

    /// Where live delivery starts when the server starts: new events only (clients resume with their last id).
    func begin(at position: Int64) {
        if self.position == 0 { self.position = position }
    }

    /// A new connection for `userID` (nil: a visitor) from `network`, and the stream of what to send it.
    func open(userID: Int64?, network: String) throws(Refusal) -> (id: Int, outputs: AsyncStream<Output>) {
        if let userID, connections.values.filter({ $0.userID == userID }).count >= limits.connectionsPerUser { throw .tooManyConnections }
        guard connections.values.filter({ $0.network == network }).count < limits.connectionsPerNetwork else { throw .tooManyConnections }
        // One place more than the limit, kept for the close that tells a slow client why it was cut off.
        let (stream, continuation) = AsyncStream<Output>.makeStream(bufferingPolicy: .bufferingOldest(limits.queue + 1))
        nextID += 1
        connections[nextID] = Connection(userID: userID, network: network, continuation: continuation, room: limits.queue + 1)
        return (nextID, stream)
    }

    func close(_ id: Int) {
        connections.removeValue(forKey: id)?.continuation.finish()
    }

    /// Follows `subscription` on connection `id`; with `lastID`, what happened since is sent first (within the retention).
    func subscribe(_ id: Int, to subscription: LiveSubscription, after lastID: Int64?) throws(Refusal) {
        guard var connection = connections[id] else { return }
        guard connection.subscriptions.contains(subscription) || connection.subscriptions.count < limits.subscriptionsPerConnection else {
            throw .tooManySubscriptions(limits.subscriptionsPerConnection)
        }
        connection.subscriptions.insert(subscription)
        if let lastID, lastID < position { connection.resumeAfter = min(connection.resumeAfter ?? lastID, lastID) }
        connections[id] = connection
    }

    func unsubscribe(_ id: Int, from topic: LiveTopic) {
        connections[id]?.subscriptions = connections[id]?.subscriptions.filter { $0.topic != topic } ?? []
    }

    /// The server is stopping: every client is told to come back later (1001), and the streams end.
    func shutDown() {
        for id in connections.keys { send(.close(code: Self.goingAway, reason: "The server is restarting; reconnect in a moment."), to: id) }
        for connection in connections.values { connection.continuation.finish() }
        connections = [:]
    }

    /// One pass: catches resuming connections up to the current position, then gives everyone what is new.
    func tick(_ feed: LiveFeed) async throws {
        for (id, connection) in connections {
            guard let after = connection.resumeAfter else { continue }
            connections[id]?.resumeAfter = nil
            var cursor = after
            while cursor < position {
                let missed = try await feed.events(after: cursor).filter { $0.id <= position }
                guard let last = missed.last else { break }
                for event in missed { try await deliver(event, feed: feed, only: id) }
                cursor = last.id
            }
        }
        while true {
            let new = try await feed.events(after: position)
            guard let last = new.last else { return }
            for event in new { try await deliver(event, feed: feed, only: nil) }
            position = last.id
        }
    }

    /// Sends `event` to every connection that follows it (or to `only`), each message made once per subscription.
    private func deliver(_ event: StoredEvent, feed: LiveFeed, only: Int?) async throws {
        var made: [LiveSubscription: LiveMessage?] = [:]
        let targets = only.map { [$0] } ?? Array(connections.keys)
        for id in targets {
            for subscription in connections[id]?.subscriptions ?? [] {
                if made[subscription] == nil { made[subscription] = .some(try await feed.message(event, on: subscription)) }
                if let message = made[subscription] ?? nil { send(.message(message), to: id) }
            }
        }
    }

    private func send(_ output: Output, to id: Int) {
        guard var connection = connections[id] else { return }
        if case .message = output, connection.room <= 1 {
            // The client has not read its queue: the last place goes to the reason, and the connection ends.
            connection.continuation.yield(.close(code: Self.slowConsumer, reason: "Too slow to keep up; reconnect with your last id."))
            connection.continuation.finish()
            connections[id] = nil
            return
        }
        if case .enqueued(let room) = connection.continuation.yield(output) { connection.room = room }
        connections[id] = connection
    }
}
