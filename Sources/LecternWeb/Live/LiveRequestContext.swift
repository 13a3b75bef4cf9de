import Hummingbird
import HummingbirdWebSocket
import NIOCore

/// The context of a request to upgrade to a live connection (`/live` only: the pages keep `AppRequestContext`, which
/// need not carry a WebSocket handler on every request).
struct LiveRequestContext: RequestContext, WebSocketRequestContext, ClientAddressContext {
    var coreContext: CoreRequestContextStorage
    let webSocket: WebSocketHandlerReference<Self>
    /// The connection's channel: after the upgrade, the hub writes events to it directly.
    let channel: any Channel
    var remoteAddress: SocketAddress? { channel.remoteAddress }
    /// The client's address as a trusted proxy gave it (`ForwardedClientMiddleware`).
    var forwardedClient: String?

    init(source: Source) {
        self.coreContext = .init(source: source)
        self.webSocket = .init()
        self.channel = source.channel
    }
}
