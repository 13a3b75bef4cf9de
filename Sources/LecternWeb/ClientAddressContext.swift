import Hummingbird
import NIOCore

/// A request context that knows its client's address, from the connection or a trusted proxy's `X-Forwarded-For`.
protocol ClientAddressContext: RemoteAddressRequestContext {
    /// Set by `ForwardedClientMiddleware` when the peer is a trusted proxy.
    var forwardedClient: String? { get set }
}

extension ClientAddressContext {
    /// The client's IP address, for the session list, view counting and limits.
    var clientAddress: String { forwardedClient ?? remoteAddress?.ipAddress ?? "unknown" }

    /// What rate limits count by: the IPv4 address, or the /64 of an IPv6 one (one host usually holds a whole /64,
    /// so counting single IPv6 addresses would give an attacker 2^64 fresh budgets).
    var clientNetwork: String { ClientNetwork.key(clientAddress) }
}
