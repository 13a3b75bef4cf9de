import Hummingbird
import LecternStore
import NIOCore

/// The one request context of the application.
public struct AppRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    /// The visitor's server-side session, loaded by `SessionMiddleware`.
    public var session: SessionRecord?
    /// The one-time notice for this page, read by `FlashMiddleware`.
    var flash: Flash?
    /// Who an API request speaks for (`APIAuthMiddleware`, under `/api/v1` only).
    var caller: APICaller?

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }

    /// HTML forms are small; refuse big bodies before decoding them.
    public var maxUploadSize: Int { FormFields.maxBytes }

    /// The client's IP address, for the session list and view counting.
    var clientAddress: String { remoteAddress?.ipAddress ?? "unknown" }

    /// What rate limits count by: the IPv4 address, or the /64 of an IPv6 one (one host usually holds a whole /64,
    /// so counting single IPv6 addresses would give an attacker 2^64 fresh budgets).
    var clientNetwork: String { ClientNetwork.key(clientAddress) }
}
