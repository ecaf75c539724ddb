#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One IP address or a CIDR range (RFC 4632 / RFC 4291 §2.3), IPv4 or IPv6, as configured in
/// `http.trusted_proxies`. Addresses are parsed by the C library's `inet_pton`.
public struct IPAddressRange: Sendable, Equatable, CustomStringConvertible {
    /// The network address, 4 or 16 bytes.
    let network: [UInt8]
    let prefixLength: Int

    /// `"10.0.0.0/8"`, `"::1"`, `"fd00::/8"`, `"192.0.2.7"`; nil for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let bytes = Self.parse(String(parts[0])) else { return nil }
        let maximum = bytes.count * 8
        var prefix = maximum
        if parts.count == 2 {
            guard let value = Int(parts[1]), (0...maximum).contains(value), parts[1].allSatisfy(\.isASCII) else { return nil }
            prefix = value
        }
        self.network = Self.masked(bytes, prefix: prefix)
        self.prefixLength = prefix
    }

    /// Whether `address` (textual IPv4 or IPv6; an IPv4-mapped IPv6 address counts as IPv4)
    /// lies in this range.
    public func contains(_ address: String) -> Bool {
        guard var bytes = Self.parse(address) else { return false }
        if bytes.count == 16, network.count == 4, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF {
            bytes = Array(bytes[12...])
        }
        guard bytes.count == network.count else { return false }
        return Self.masked(bytes, prefix: prefixLength) == network
    }

    public var description: String {
        "\(Self.format(network))/\(prefixLength)"
    }

    /// The 4 or 16 bytes of a textual address (zone ids such as `%eth0` are ignored).
    static func parse(_ text: String) -> [UInt8]? {
        let address = text.split(separator: "%", maxSplits: 1).first.map(String.init) ?? text
        guard !address.isEmpty, address.utf8.count <= 64 else { return nil }
        var v4 = in_addr()
        if inet_pton(AF_INET, address, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, address, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }

    private static func masked(_ bytes: [UInt8], prefix: Int) -> [UInt8] {
        bytes.enumerated().map { index, byte in
            let bits = min(max(prefix - index * 8, 0), 8)
            return bits == 8 ? byte : byte & UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
        }
    }

    private static func format(_ bytes: [UInt8]) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        let ok = bytes.withUnsafeBytes { raw in inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count)) != nil }
        return ok ? String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "?"
    }
}
