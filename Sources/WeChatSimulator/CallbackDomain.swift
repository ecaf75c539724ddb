import Foundation

/// An authorized callback domain (授权回调域): `host` or `host:port`.
///
/// WECHAT.md §2: "`redirect_uri`'s host must equal the authorized callback domain registered in
/// the console; otherwise WeChat shows an error page ('redirect_uri 参数错误', page code 10003)
/// and never comes back. Do not put `#` routes in the callback URL."
struct CallbackDomain: Sendable, Hashable {
    var host: String
    var port: Int?

    init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, !trimmed.contains("/"), !trimmed.contains("?"), !trimmed.contains("#") else { return nil }
        // Allow a bracketed IPv6 literal: [::1]:8080
        if trimmed.hasPrefix("[") {
            guard let close = trimmed.firstIndex(of: "]") else { return nil }
            host = String(trimmed[trimmed.index(after: trimmed.startIndex)..<close]).lowercased()
            let rest = trimmed[trimmed.index(after: close)...]
            if rest.isEmpty {
                port = nil
            } else {
                guard rest.hasPrefix(":"), let port = Int(rest.dropFirst()), (1...65535).contains(port) else { return nil }
                self.port = port
            }
            return
        }
        let parts = trimmed.split(separator: ":", omittingEmptySubsequences: false)
        switch parts.count {
        case 1:
            host = trimmed.lowercased()
            port = nil
        case 2:
            guard !parts[0].isEmpty, let port = Int(parts[1]), (1...65535).contains(port) else { return nil }
            host = parts[0].lowercased()
            self.port = port
        default:
            return nil
        }
    }

    /// Whether `redirectURI` is an absolute http(s) URL on this domain, without a fragment.
    func accepts(redirectURI: String) -> Bool {
        guard let components = URLComponents(string: redirectURI),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host, !host.isEmpty,
            components.fragment == nil, components.user == nil, components.password == nil
        else { return false }
        let normalizedHost = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        guard normalizedHost == self.host else { return false }
        if let port {
            let effectivePort = components.port ?? (scheme == "https" ? 443 : 80)
            return effectivePort == port
        }
        return true
    }
}
