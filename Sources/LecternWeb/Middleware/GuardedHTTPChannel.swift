import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1

/// The server's connections (HTTP/1.1 with the WebSocket upgrade), with two handlers the upgrade's pipeline lacks:
/// the HTTP/1.0 Host filler right after the request decoder, from the first request on (the upgrade channel adds
/// extra handlers only once it decided not to upgrade, after the first request went by), and an answer to requests
/// the decoder refuses (the upgrade's pipeline leaves them unanswered and the connection open for ever: a 96 KiB
/// header hung until the client gave up).
struct GuardedHTTPChannel<Inner: ServerChildChannel>: ServerChildChannel {
    let inner: Inner
    let host: String

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Inner.Value> {
        inner.setup(channel: channel, logger: logger).flatMapThrowing { [host] value in
            let pipeline = channel.pipeline.syncOperations
            if let decoder = try? pipeline.context(handlerType: ByteToMessageHandler<HTTPRequestDecoder>.self) {
                try pipeline.addHandler(HTTP10HostFiller(host: host), position: .after(decoder.handler))
            }
            try pipeline.addHandler(HTTPParserErrorResponder())
            return value
        }
    }

    func handle(value: Inner.Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}

/// Until the first request has been read: answers one the HTTP decoder could not read (431 for headers over the
/// limit, 400 otherwise) and closes the connection, and closes a connection that sends no request within 30 seconds.
/// Then it steps aside: Hummingbird answers decoder errors of later requests in order, and keeps its own idle timeout.
final class HTTPParserErrorResponder: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    typealias OutboundOut = HTTPServerResponsePart
    static let firstRequestTimeout: TimeAmount = .seconds(30)
    private var answered = false
    private var timeout: Scheduled<Void>?

    func handlerAdded(context: ChannelHandlerContext) {
        let channel = context.channel
        timeout = context.eventLoop.scheduleTask(in: Self.firstRequestTimeout) { channel.close(promise: nil) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timeout?.cancel()
    }

    /// A request's head went by (told by `HTTP10HostFiller`, before the upgrade handler holds it): no more timeout,
    /// whether it becomes a WebSocket (whose client may stay quiet) or an HTTP exchange (Hummingbird's idle timeout).
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is FirstRequestSeen {
            timeout?.cancel()
            timeout = nil
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(data)
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        guard !answered else { return }
        answered = true
        let status: HTTPResponseStatus = parserError == .headerOverflow ? .requestHeaderFieldsTooLarge : .badRequest
        let head = HTTPResponseHead(version: .http1_1, status: status, headers: ["Connection": "close", "Content-Length": "0"])
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }
}

/// Sent down the pipeline when a request's head has been read.
struct FirstRequestSeen: Sendable {}
