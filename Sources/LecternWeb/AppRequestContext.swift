import Hummingbird
import LecternStore
import NIOCore

/// The one request context of the application.
public struct AppRequestContext: RequestContext, ClientAddressContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    /// The visitor's server-side session, loaded by `SessionMiddleware`.
    public var session: SessionRecord?
    /// The one-time notice for this page, read by `FlashMiddleware`.
    var flash: Flash?
    /// Who an API request speaks for (`APIAuthMiddleware`, under `/api/v1` only).
    var caller: APICaller?
    /// The client's address as a trusted proxy gave it (`ForwardedClientMiddleware`).
    var forwardedClient: String?

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }

    /// HTML forms are small; refuse big bodies before decoding them.
    public var maxUploadSize: Int { FormFields.maxBytes }
}
