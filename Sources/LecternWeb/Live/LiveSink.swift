import Foundation
import HummingbirdWebSocket
import LecternServices
import NIOConcurrencyHelpers
import NIOCore
import NIOWebSocket

/// Where the hub's output for one connection goes. `send` says false when the client has not taken `limit` messages
/// yet: it is too slow, and the hub cuts it off.
protocol LiveSink: Sendable {
    func send(_ message: LiveMessageFrame) -> Bool
    /// Ends the connection with a WebSocket close code and its reason.
    func close(code: UInt16, reason: String)
    /// Ends the connection without a word (the client left).
    func finish()
}

/// One event's message, made and encoded once for every connection it goes to.
struct LiveMessageFrame: Sendable {
    let message: LiveMessage
    let text: String
    let bytes: ByteBuffer

    init(_ message: LiveMessage) {
        self.message = message
        self.text = (try? APIJSON.encoder.encode(LiveEventFrame(message: message))).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        self.bytes = ByteBuffer(string: text)
    }
}

/// A live socket: messages are written straight to its channel (one hop to its event loop, no task woken per
/// message: thousands of sockets cost the pages being served little), counted until the kernel has taken them.
/// The close goes through the WebSocket layer, so its close handshake is kept; a client that never answers it loses
/// the socket a few seconds later anyway.
struct SocketSink: LiveSink {
    let channel: any Channel
    let outbound: WebSocketOutboundWriter
    let limit: Int
    let unwritten = NIOLockedValueBox(0)

    func send(_ message: LiveMessageFrame) -> Bool {
        let waiting = unwritten.withLockedValue { count in
            count += 1
            return count
        }
        guard waiting <= limit else { return false }
        let written = channel.eventLoop.makePromise(of: Void.self)
        written.futureResult.whenComplete { [unwritten] _ in unwritten.withLockedValue { $0 -= 1 } }
        channel.writeAndFlush(WebSocketFrame(fin: true, opcode: .text, data: message.bytes), promise: written)
        return true
    }

    func close(code: UInt16, reason: String) {
        let (outbound, channel) = (self.outbound, self.channel)
        Task { try? await outbound.close(code: code, reason) }
        channel.eventLoop.scheduleTask(in: .seconds(5)) { channel.close(promise: nil) }
    }

    func finish() {}
}

/// The hub's output as a stream (tests read it; nothing is written anywhere).
struct StreamSink: LiveSink {
    let continuation: AsyncStream<LiveHub.Output>.Continuation

    func send(_ message: LiveMessageFrame) -> Bool {
        guard case .enqueued(let room) = continuation.yield(.message(message.message, text: message.text)) else { return true }
        // Two places beyond the limit: one for the close that tells a slow client why it was cut off.
        return room > 2
    }

    func close(code: UInt16, reason: String) {
        continuation.yield(.close(code: code, reason: reason))
        continuation.finish()
    }

    func finish() {
        continuation.finish()
    }
}
