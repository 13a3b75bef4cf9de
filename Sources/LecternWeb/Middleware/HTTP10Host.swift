import NIOCore
import NIOHTTP1

/// Gives an HTTP/1.0 request without `Host` the site's own host, before NIO's HTTP types conversion drops the version.
/// HTTP/1.0 does not require Host (load balancers' health checks often omit it), while HTTP/1.1 does: after this,
/// `HostHeaderGuard` can refuse every request without a Host, which then means every HTTP/1.1 one.
final class HTTP10HostFiller: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    let host: String

    init(host: String) { self.host = host }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(var head) = unwrapInboundIn(data) else {
            context.fireChannelRead(data)
            return
        }
        context.fireUserInboundEventTriggered(FirstRequestSeen())
        if head.headers.contains(name: "Upgrade") {
            if head.version >= .http1_1, head.headers[canonicalForm: "Connection"].contains(where: { $0.lowercased() == "upgrade" }) {
                // A WebSocket's connection carries frames after this request, not HTTP parts: the filler's work is done.
                context.fireChannelRead(data)
                context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
                return
            }
            // `Upgrade` without `Connection: upgrade` (or on HTTP/1.0) must be ignored (RFC 9110, 7.8). NIO's upgrader
            // would act on it while its parser read on, and hand the next request's parts to the WebSocket decoder.
            head.headers.remove(name: "Upgrade")
        }
        if head.version < .http1_1, !head.headers.contains(name: "Host") { head.headers.add(name: "Host", value: host) }
        context.fireChannelRead(wrapInboundOut(.head(head)))
    }
}

extension HTTPVersion: @retroactive Comparable {
    public static func < (lhs: HTTPVersion, rhs: HTTPVersion) -> Bool {
        (lhs.major, lhs.minor) < (rhs.major, rhs.minor)
    }
}
