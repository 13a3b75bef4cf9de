import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import LecternCore
import LecternServices
import Logging
import NIOWebSocket

/// `GET /live`: one WebSocket per browser or program, on the same server. The upgrade is refused before it happens
/// when a browser page of another site asks (its `Origin`); the client then subscribes to topics and receives each
/// event as JSON with its id, and after a reconnect, with `after`, what it missed. Everything sent comes from
/// `LiveHub`, which reads the event log; this adapter only moves JSON between the socket and the hub.
struct LiveController: Sendable {
    let hub: LiveHub
    let feed: LiveFeed
    let gate: LiveGate
    /// The largest message a client may send, in bytes (a command is well under 200).
    static let maxMessageSize = 1024
    /// Commands a connection may send a minute (a page subscribes a few times at most).
    static let commandsPerMinute = 120

    /// The upgrade, on the router the WebSocket server consults.
    func addRoutes(to router: Router<LiveRequestContext>) {
        router.ws(
            "/live",
            shouldUpgrade: { request, _ in gate.isOwnOrigin(request) ? .upgrade([:]) : .dontUpgrade },
            onUpgrade: { inbound, outbound, context in
                try await serve(inbound, outbound, request: context.request, context: context.requestContext)
            })
    }

    /// `/live` asked for without an upgrade (a browser tab, curl): say what it is for.
    func addPageRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("/live") { request, _ -> Response in
            guard gate.isOwnOrigin(request) else {
                throw APIProblem(kind: .crossSite, status: .forbidden, detail: "Live connections are only opened from this site's own pages.")
            }
            throw APIProblem(
                kind: .upgradeRequired, status: .upgradeRequired,
                detail: "This address is a WebSocket: connect with `Upgrade: websocket`, then send {\"type\":\"subscribe\",\"topic\":\"course:<slug>\"}.",
                headers: [.upgrade: "websocket", .connection: "Upgrade"])
        }
    }

    private func serve(_ inbound: WebSocketInboundStream, _ outbound: WebSocketOutboundWriter, request: Request, context: LiveRequestContext) async throws {
        await hub.attach()
        do {
            try await follow(inbound, outbound, request: request, context: context)
        } catch {
            await hub.detach()
            throw error
        }
        await hub.detach()
    }

    private func follow(_ inbound: WebSocketInboundStream, _ outbound: WebSocketOutboundWriter, request: Request, context: LiveRequestContext) async throws {
        let network = context.clientNetwork
        let user: User?
        do {
            user = try await gate.user(for: request, network: network)
        } catch LiveGate.Refusal.invalidToken {
            return try await outbound.close(code: LiveCloseCode.invalidToken, "The access token is unknown, expired or revoked.")
        } catch LiveGate.Refusal.tooManyWrongTokens {
            return try await outbound.close(code: LiveCloseCode.tooMany, "Too many unknown tokens came from this network; wait a minute.")
        }
        let id: Int
        do {
            id = try await hub.open(userID: user?.id, network: network, sink: SocketSink(channel: context.channel, outbound: outbound, limit: hub.limits.queue))
        } catch .stopping {
            return try await outbound.close(code: LiveCloseCode.goingAway, "The server is restarting; reconnect in a moment.")
        } catch {
            return try await outbound.close(code: LiveCloseCode.tooMany, "Too many live connections from this account or network; close another tab.")
        }
        // The hub writes events to the socket itself; this task answers the client's commands until it leaves.
        do {
            try await read(inbound, outbound, connection: id, user: user)
        } catch {
            await hub.close(id)
            throw error
        }
        await hub.close(id)
    }

    /// Answers the client's commands until it leaves; too many close the connection (1008), a message over the size
    /// limit too (1009).
    private func read(_ inbound: WebSocketInboundStream, _ outbound: WebSocketOutboundWriter, connection id: Int, user: User?) async throws {
        let decoder = JSONDecoder()
        let encoder = APIJSON.encoder
        var window = (start: Date(), count: 0)
        for try await message in inbound.messages(maxSize: Self.maxMessageSize) {
            if Date().timeIntervalSince(window.start) >= 60 { window = (Date(), 0) }
            window.count += 1
            guard window.count <= Self.commandsPerMinute else {
                // The hub first, so no event is written after the close frame.
                await hub.close(id)
                return try await outbound.close(code: LiveCloseCode.policy, "More than \(Self.commandsPerMinute) messages a minute.")
            }
            // The WebSocket layer bounds a message sent in pieces, and any single frame by `maxFrameSize`; a whole
            // message in one frame is bounded here.
            if case .text(let text) = message, text.utf8.count > Self.maxMessageSize {
                await hub.close(id)
                return try await outbound.close(code: LiveCloseCode.tooBig, "A message is at most \(Self.maxMessageSize) bytes.")
            }
            let reply: LiveReply
            if case .text(let text) = message, let command = try? decoder.decode(LiveCommand.self, from: Data(text.utf8)) {
                reply = await answer(command, connection: id, user: user)
            } else {
                reply = .error(
                    "bad-message",
                    "Send JSON text such as {\"type\":\"subscribe\",\"topic\":\"course:<slug>\",\"after\":<last id>} or {\"type\":\"unsubscribe\",\"topic\":\"…\"}.")
            }
            try await outbound.writeTextMessage(String(decoding: try encoder.encode(reply), as: UTF8.self))
        }
    }

    private func answer(_ command: LiveCommand, connection id: Int, user: User?) async -> LiveReply {
        let topic = String(command.topic.prefix(100))
        switch command.type {
        case .unsubscribe:
            guard let parsed = LiveTopic(topic), await hub.unsubscribe(id, from: parsed) else {
                return .error("not-subscribed", topic: topic, "This connection does not follow \(topic).")
            }
            return LiveReply(type: "unsubscribed", topic: topic)
        case .subscribe:
            if let after = command.after, after < 0 { return .error("bad-message", topic: topic, "`after` is the last event id seen: 0 or more.") }
            do {
                let subscription = try await feed.subscribe(topic, as: user)
                let standing = try await hub.subscribe(id, to: subscription, after: command.after)
                return LiveReply(type: "subscribed", topic: subscription.topic.description, position: standing.position, reset: standing.reset ? true : nil)
            } catch LiveRefusal.unknownTopic {
                return .error("unknown-topic", topic: topic, "Topics are course:<slug>, me, reviews:<slug> and reviews.")
            } catch LiveRefusal.signInNeeded {
                return .error("sign-in-needed", topic: topic, "Sign in (or send an access token) to follow \(topic).")
            } catch LiveRefusal.notAnInstructor(let slug) {
                return .error("not-an-instructor", topic: topic, "Only the instructors of \(slug) follow a review queue.")
            } catch CourseRefusal.noSuchCourse(let slug) {
                return .error("no-such-course", topic: topic, "There is no course \(slug).")
            } catch LiveHub.Refusal.stopping {
                return .error("unavailable", topic: topic, "The server is restarting; reconnect in a moment.")
            } catch LiveHub.Refusal.tooManySubscriptions(let most) {
                return .error("too-many-subscriptions", topic: topic, "A connection follows at most \(most) topics; unsubscribe from one first.")
            } catch {
                return .error("unavailable", topic: topic, "The live service could not read what you asked for; try again in a moment.")
            }
        }
    }
}

extension WebSocketOutboundWriter {
    func close(code: UInt16, _ reason: String) async throws {
        try await close(WebSocketErrorCode(codeNumber: Int(code)), reason: reason)
    }
}
