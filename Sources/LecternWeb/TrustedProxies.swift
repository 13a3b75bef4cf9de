import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The reverse proxies whose `X-Forwarded-For` is believed (`LECTERN_TRUSTED_PROXIES`): addresses and CIDR ranges. Behind
/// nginx every request comes from nginx's address; without this, every visitor would share one login throttle and one
/// allowance of each limit. From any other peer the header is ignored, since a client can send anything in it.
public struct TrustedProxies: Sendable, Equatable {
    struct Range: Sendable, Equatable {
        let bytes: [UInt8]
        let prefix: Int

        func contains(_ address: [UInt8]) -> Bool {
            guard address.count == bytes.count else { return false }
            for bit in stride(from: 0, to: prefix, by: 8) {
                let mask: UInt8 = prefix - bit >= 8 ? 0xFF : ~(0xFF >> UInt8(prefix - bit))
                if address[bit / 8] & mask != bytes[bit / 8] & mask { return false }
            }
            return true
        }
    }

    let ranges: [Range]

    /// No proxy: the connection's peer is the client.
    public static let none = TrustedProxies(ranges: [])

    init(ranges: [Range]) {
        self.ranges = ranges
    }

    /// Parses a list separated by commas or spaces, such as `127.0.0.1, 10.0.0.0/8, ::1`; throws a message naming the
    /// entry that is neither an address nor a range.
    public init(parsing text: String) throws(TrustedProxiesError) {
        var ranges: [Range] = []
        for entry in text.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init) {
            let parts = entry.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard parts.count <= 2, let bytes = Self.bytes(parts[0]) else { throw TrustedProxiesError(entry: entry) }
            let prefix = parts.count == 2 ? Int(parts[1]) : bytes.count * 8
            guard let prefix, (0...bytes.count * 8).contains(prefix) else { throw TrustedProxiesError(entry: entry) }
            ranges.append(Range(bytes: bytes, prefix: prefix))
        }
        self.ranges = ranges
    }

    public var isEmpty: Bool { ranges.isEmpty }

    func trusts(_ address: String) -> Bool {
        guard let bytes = Self.bytes(address) else { return false }
        return ranges.contains { $0.contains(bytes) }
    }

    /// The client's address: the peer's, or, when the peer is a trusted proxy, the nearest address in `X-Forwarded-For`
    /// (read from the right, as each proxy appends the address it saw) that is not a trusted proxy itself. An entry that
    /// is not an address ends the walk at the last trusted hop.
    func client(peer: String, forwardedFor: [String]) -> String {
        guard trusts(peer) else { return peer }
        var nearest = peer
        for hop in forwardedFor.flatMap({ $0.split(separator: ",") }).reversed() {
            let address = Self.strippingPort(hop.trimmingCharacters(in: .whitespaces))
            guard Self.bytes(address) != nil else { return nearest }
            nearest = address
            if !trusts(address) { return address }
        }
        return nearest
    }

    /// An IPv4 address as 4 bytes, an IPv6 one as 16 (an IPv4-mapped IPv6 address as its IPv4), or nil.
    static func bytes(_ text: String) -> [UInt8]? {
        var ipv4 = in_addr()
        if inet_pton(AF_INET, text, &ipv4) == 1 { return withUnsafeBytes(of: ipv4) { Array($0) } }
        var ipv6 = in6_addr()
        guard inet_pton(AF_INET6, text, &ipv6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: ipv6) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF { return Array(bytes[12...]) }
        return bytes
    }

    /// `[2001:db8::1]:443` and `203.0.113.7:443` without their port, as some proxies write them.
    private static func strippingPort(_ hop: String) -> String {
        if hop.hasPrefix("["), let end = hop.firstIndex(of: "]") { return String(hop[hop.index(after: hop.startIndex)..<end]) }
        let colons = hop.filter { $0 == ":" }.count
        if colons == 1, let colon = hop.firstIndex(of: ":") { return String(hop[..<colon]) }
        return hop
    }
}

/// An entry of `LECTERN_TRUSTED_PROXIES` that is neither an address nor a CIDR range.
public struct TrustedProxiesError: Error, Sendable, CustomStringConvertible {
    public let entry: String
    public var description: String {
        "'\(entry)' is neither an IP address nor a CIDR range (such as 127.0.0.1, 10.0.0.0/8 or ::1)"
    }
}
