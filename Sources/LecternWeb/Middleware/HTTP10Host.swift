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
        guard case .head(var head) = unwrapInboundIn(data), head.version < .http1_1, !head.headers.contains(name: "Host") else {
            context.fireChannelRead(data)
            return
        }
        head.headers.add(name: "Host", value: host)
        context.fireChannelRead(wrapInboundOut(.head(head)))
    }

    /// Hummingbird adds extra handlers after its HTTP types conversion; this one puts the filler before it, right
    /// after NIO's request decoder, where the version is still known.
    final class Installer: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = NIOAny
        let host: String

        init(host: String) { self.host = host }

        func handlerAdded(context: ChannelHandlerContext) {
            let pipeline = context.pipeline.syncOperations
            guard let decoder = try? pipeline.context(handlerType: ByteToMessageHandler<HTTPRequestDecoder>.self) else { return }
            try? pipeline.addHandler(HTTP10HostFiller(host: host), position: .after(decoder.handler))
        }
    }
}

extension HTTPVersion: @retroactive Comparable {
    public static func < (lhs: HTTPVersion, rhs: HTTPVersion) -> Bool {
        (lhs.major, lhs.minor) < (rhs.major, rhs.minor)
    }
}
