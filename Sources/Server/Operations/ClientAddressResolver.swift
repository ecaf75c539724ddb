/// Which address a request comes from, for rate limiting.
///
/// `X-Forwarded-For` is believed only when the TCP peer is one of the configured
/// `http.trusted_proxies`; anyone else could write any address into it. Behind trusted proxies
/// the list is read from the right (each proxy appends the address it saw, RFC 7239 §5.2 for the
/// standard `Forwarded` equivalent): trusted hops are skipped and the first untrusted address is
/// the client. URLs are never built from `X-Forwarded-Host` or `X-Forwarded-Proto`: every URL the
/// provider sends comes from the configured issuer.
struct ClientAddressResolver: Sendable {
    let trustedProxies: [IPAddressRange]

    /// `peer`: the socket's remote IP (nil for a Unix socket or in tests); `forwardedFor`: the
    /// values of every `X-Forwarded-For` header line, in order.
    func clientAddress(peer: String?, forwardedFor: [String]) -> String {
        guard let peer else { return "unknown" }
        guard isTrusted(peer), !forwardedFor.isEmpty else { return peer }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        var client = peer
        for hop in hops.reversed() {
            // A hop that is not an IP address (a proxy's obfuscated id, garbage) ends the walk:
            // the last address we could read is the best we know.
            guard IPAddressRange.parse(hop) != nil else { break }
            client = hop
            if !isTrusted(hop) { break }
        }
        return client
    }

    private func isTrusted(_ address: String) -> Bool {
        trustedProxies.contains { $0.contains(address) }
    }
}
