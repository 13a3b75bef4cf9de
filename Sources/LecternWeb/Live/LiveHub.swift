import Foundation
import LecternCore
import LecternServices
import LecternStore

/// Bounds on live connections, so one account, one network or one slow client cannot take the server's memory.
public struct LiveLimits: Sendable {
    public var connectionsPerUser: Int
    public var connectionsPerNetwork: Int
    public var subscriptionsPerConnection: Int
    /// Messages waiting for one slow client before it is cut off.
    public var queue: Int
    /// The most events a reconnecting client is sent as missed; one away longer reloads what it shows.
    public var catchUp = 1000
    /// Connections one event goes to before the pages being served get a turn, and how long that turn is.
    public var burst = 32
    public var pause: Duration = .milliseconds(1)

    public init(connectionsPerUser: Int = 20, connectionsPerNetwork: Int = 200, subscriptionsPerConnection: Int = 50, queue: Int = 256) {
        self.connectionsPerUser = connectionsPerUser
        self.connectionsPerNetwork = connectionsPerNetwork
        self.subscriptionsPerConnection = subscriptionsPerConnection
        self.queue = queue
    }
}

/// The live connections of this process and what each follows. One loop (`tick`, run by `LiveEventPump`) reads the
/// event log and is the only thing that sends: first what resuming connections missed, up to where the loop stands,
/// then what is new to everyone, so nothing is sent twice and nothing is skipped. Each connection has a bounded queue:
/// a client that does not keep up is cut off with a close code (it reconnects with its last id and misses nothing)
/// instead of holding up the others. Each connection's output goes to its `LiveSink` (the socket, or a stream in tests).
actor LiveHub {
    typealias Limits = LiveLimits

    /// What a stream sink gives out, in order.
    enum Output: Sendable, Equatable {
        /// An event's message and its JSON text, encoded once for every connection it goes to.
        case message(LiveMessage, text: String)
        /// Then the connection ends: `code` is the WebSocket close code.
        case close(code: UInt16, reason: String)
    }

    /// Why a connection or a subscription was refused.
    enum Refusal: Error, Equatable {
        case tooManyConnections
        case tooManySubscriptions(Int)
        case stopping
    }

    /// One followed topic: events up to `from` (where the hub stood when it was taken) are the catch-up's, after it the
    /// loop's, so nothing comes twice and nothing falls between.
    private struct Follow {
        var from: Int64
        /// Set with a last id: what was missed, up to `from`, is sent at the next tick.
        var resumeAfter: Int64? = nil
    }

    private struct Connection {
        var userID: Int64?
        var network: String
        var follows: [LiveSubscription: Follow] = [:]
        var sink: any LiveSink
    }

    let limits: Limits
    private var connections: [Int: Connection] = [:]
    private var nextID = 0
    /// The newest event the loop has taken up (moved before the event is sent, so a subscription taken meanwhile
    /// gets it through its catch-up, not twice).
    private(set) var position: Int64 = 0
    private var ticking = false
    /// Set by `shutDown`: a client that reconnects meanwhile is told to come back later, not taken.
    private var stopping = false
    /// Sockets whose handler is still running (a connection leaves `connections` when the hub closes it; its socket
    /// stays until the close handshake is done).
    private(set) var transports = 0

    init(limits: Limits = Limits(), position: Int64 = 0) {
        self.limits = limits
        self.position = position
    }

    var count: Int { connections.count }

    /// A socket's handler started (`detach` when it ends, whatever happened).
    func attach() {
        transports += 1
        SiteMetrics.own.liveConnections.increment()
    }

    func detach() {
        transports -= 1
        SiteMetrics.own.liveConnections.decrement()
    }

    /// A new connection for `userID` (nil: a visitor) from `network`, whose output goes to `sink`.
    func open(userID: Int64?, network: String, sink: any LiveSink) throws(Refusal) -> Int {
        guard !stopping else { throw .stopping }
        if let userID, connections.values.filter({ $0.userID == userID }).count >= limits.connectionsPerUser { throw .tooManyConnections }
        guard connections.values.filter({ $0.network == network }).count < limits.connectionsPerNetwork else { throw .tooManyConnections }
        nextID += 1
        connections[nextID] = Connection(userID: userID, network: network, sink: sink)
        return nextID
    }

    /// A new connection whose output is a stream.
    func open(userID: Int64?, network: String) throws(Refusal) -> (id: Int, outputs: AsyncStream<Output>) {
        let (stream, continuation) = AsyncStream<Output>.makeStream(bufferingPolicy: .bufferingOldest(limits.queue + 2))
        return (try open(userID: userID, network: network, sink: StreamSink(continuation: continuation)), stream)
    }

    func close(_ id: Int) {
        connections.removeValue(forKey: id)?.sink.finish()
    }

    /// Where a subscription stands: the id its client resumes from until an event comes, and whether what it missed
    /// was too much to send (then the client reloads what it shows, and goes on from `position`).
    struct Standing: Equatable {
        var position: Int64
        var reset = false
    }

    /// Follows `subscription` on connection `id`; with `lastID`, what happened since is sent first (at most
    /// `limits.catchUp` events: a client away longer is told to reload instead). Taking a topic already followed
    /// changes nothing.
    @discardableResult
    func subscribe(_ id: Int, to subscription: LiveSubscription, after lastID: Int64?) throws(Refusal) -> Standing {
        guard var connection = connections[id] else { return Standing(position: position) }
        if let follow = connection.follows[subscription] { return Standing(position: follow.resumeAfter ?? follow.from) }
        guard connection.follows.count < limits.subscriptionsPerConnection else { throw .tooManySubscriptions(limits.subscriptionsPerConnection) }
        var standing: Standing
        if let lastID, lastID < position {
            if position - lastID > Int64(limits.catchUp) {
                connection.follows[subscription] = Follow(from: position)
                standing = Standing(position: position, reset: true)
            } else {
                // Until the catch-up is sent, the client still stands at its last id: a drop meanwhile loses nothing.
                connection.follows[subscription] = Follow(from: position, resumeAfter: lastID)
                standing = Standing(position: lastID)
            }
        } else {
            // A last id beyond the loop's position (seen from another instance a moment ahead) is where this one starts.
            let from = max(position, lastID ?? 0)
            connection.follows[subscription] = Follow(from: from)
            standing = Standing(position: from)
        }
        connections[id] = connection
        return standing
    }

    /// Stops following `topic` on connection `id`; whether it was followed.
    @discardableResult
    func unsubscribe(_ id: Int, from topic: LiveTopic) -> Bool {
        guard let subscription = connections[id]?.follows.keys.first(where: { $0.topic == topic }) else { return false }
        connections[id]?.follows[subscription] = nil
        return true
    }

    /// The server is stopping: every client is told to come back later (1001), and the streams end.
    func shutDown() {
        stopping = true
        for connection in connections.values { connection.sink.close(code: LiveCloseCode.goingAway, reason: "The server is restarting; reconnect in a moment.") }
        connections = [:]
    }

    /// One pass: catches resuming subscriptions up to where each was taken, then gives everyone what is new (at most
    /// `batches` reads of the log, so one pass stays short). An event about a course removed meanwhile is skipped; one
    /// that cannot be read just now closes the connections it was for with 1013, and they come back for it.
    ///
    /// `read` runs after each batch is read, before it is delivered: the watcher learns there of the site revision those
    /// events moved (they moved it in their own transactions), so their messages are made from what was read after them.
    /// Else a course's seats came from its copy kept from before the enrolment that the event tells of.
    func tick(_ feed: LiveFeed, batches: Int = 20, read: @Sendable () async -> Void = {}) async throws {
        guard !ticking else { return }
        ticking = true
        defer { ticking = false }
        for (id, connection) in connections {
            for (subscription, follow) in connection.follows where follow.resumeAfter != nil {
                await catchUp(id, subscription, feed: feed)
            }
        }
        for _ in 0..<batches {
            let new = try await feed.events(after: position)
            guard !new.isEmpty else { return }
            await read()
            for event in new {
                position = event.id
                try await deliver(event, feed: feed)
            }
        }
    }

    /// Sends a resuming subscription what it missed, up to where it was taken, oldest first.
    private func catchUp(_ id: Int, _ subscription: LiveSubscription, feed: LiveFeed) async {
        guard let follow = connections[id]?.follows[subscription], var cursor = follow.resumeAfter else { return }
        // Taken now, so a delivery that meets this subscription while it is being caught up does not start again.
        connections[id]?.follows[subscription]?.resumeAfter = nil
        do {
            while cursor < follow.from {
                let missed = try await feed.events(after: cursor).filter { $0.id <= follow.from }
                guard let last = missed.last else { break }
                for event in missed {
                    if let message = try await Self.message(event, on: subscription, feed: feed) { send(LiveMessageFrame(message), to: id) }
                }
                cursor = last.id
            }
        } catch {
            // What was missed could not be read: the client comes back with its last id rather than go on with a gap.
            connections.removeValue(forKey: id)?.sink.close(code: LiveCloseCode.tryAgain, reason: "Could not read what you missed; reconnect with your last id.")
        }
    }

    /// Sends `event` to every subscription taken before it, each message made and encoded once per subscription. A
    /// subscription still waiting for what it missed (taken while this pass ran) gets that first: never out of order.
    private func deliver(_ event: StoredEvent, feed: LiveFeed) async throws {
        var made: [LiveSubscription: LiveMessageFrame?] = [:]
        var unreadable: Set<LiveSubscription> = []
        for (index, id) in Array(connections.keys).enumerated() {
            // Thousands of sockets take a while to write to: the writes of one burst go out before the next is
            // queued, so the pages being served wait behind a burst at most, never behind every socket's write.
            if index > 0, index % limits.burst == 0 { try? await Task.sleep(for: limits.pause) }
            for (subscription, follow) in connections[id]?.follows ?? [:] where event.id > follow.from {
                if follow.resumeAfter != nil { await catchUp(id, subscription, feed: feed) }
                if made[subscription] == nil {
                    do {
                        made[subscription] = .some(try await Self.message(event, on: subscription, feed: feed).map { LiveMessageFrame($0) })
                    } catch {
                        unreadable.insert(subscription)
                        made[subscription] = .some(nil)
                    }
                }
                if unreadable.contains(subscription) {
                    // Skipping would move the client's last id past this event: it comes back for it instead.
                    connections.removeValue(forKey: id)?.sink.close(code: LiveCloseCode.tryAgain, reason: "Could not read an event; reconnect with your last id.")
                    break
                }
                if let frame = made[subscription] ?? nil { send(frame, to: id) }
            }
        }
    }

    /// The message `event` makes on `subscription`; nil when it makes none, or when its course was removed meanwhile
    /// (nothing to tell of it any more). Other errors are the caller's: the event must not be skipped silently.
    private static func message(_ event: StoredEvent, on subscription: LiveSubscription, feed: LiveFeed) async throws -> LiveMessage? {
        do {
            return try await feed.message(event, on: subscription)
        } catch is CourseRefusal {
            return nil
        }
    }

    /// Sends one message; a client that has not taken `limits.queue` messages yet is cut off instead.
    private func send(_ frame: LiveMessageFrame, to id: Int) {
        guard let connection = connections[id], !connection.sink.send(frame) else { return }
        connections[id] = nil
        connection.sink.close(code: LiveCloseCode.slowConsumer, reason: "Too slow to keep up; reconnect with your last id.")
    }
}
