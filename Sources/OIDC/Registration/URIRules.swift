import Foundation

/// The shapes of the URIs a client registers. Each check returns why a value is refused, or
/// `nil` when it is acceptable; the callers turn the reason into an error.
public enum URIRules {
    /// Schemes that run code or read local files in a browser: never a redirect target.
    static let dangerousSchemes: Set<String> = ["javascript", "data", "file", "vbscript", "blob", "about"]

    /// A redirection endpoint (RFC 6749 §3.1.2: "The redirection endpoint URI MUST be an
    /// absolute URI … The endpoint URI MUST NOT include a fragment component"), by
    /// `application_type` (OIDC Registration §2):
    /// - `web`: https, or http on a loopback host for local development (RFC 9700 §2.6);
    /// - `native`: a private-use scheme in reverse-domain form (RFC 8252 §7.1), http on a
    ///   loopback host (RFC 8252 §7.3), or a claimed https URI (RFC 8252 §7.2).
    public static func redirectURIProblem(_ uri: String, applicationType: String) -> String? {
        guard uri.utf8.count <= 2000, let components = URLComponents(string: uri), let scheme = components.scheme?.lowercased() else {
            return "is not an absolute URI"
        }
        guard components.fragment == nil, !uri.contains("#") else {
            return "must not contain a fragment"
        }
        switch scheme {
        case "https":
            guard let host = components.host, !host.isEmpty else { return "has no host" }
            return nil
        case "http":
            guard let host = components.host, isLoopback(host) else {
                return "must use https (http only for loopback hosts)"
            }
            return nil
        case _ where dangerousSchemes.contains(scheme):
            return "uses a scheme that is not allowed"
        default:
            guard applicationType == "native" else {
                return "must use https (custom schemes only for native applications)"
            }
            guard scheme.contains(".") else {
                return "must use a reverse domain name as its custom scheme (RFC 8252 section 7.1)"
            }
            return nil
        }
    }

    /// A URL this provider itself sends requests to (`sector_identifier_uri`, `jwks_uri`,
    /// `backchannel_logout_uri`): absolute https without fragment; http only on a loopback host
    /// and only when `allowLoopbackHTTP`.
    public static func serverCallURLProblem(_ uri: String, allowLoopbackHTTP: Bool) -> String? {
        guard uri.utf8.count <= 2000, let components = URLComponents(string: uri), let scheme = components.scheme?.lowercased(),
              let host = components.host, !host.isEmpty
        else {
            return "is not an absolute URL"
        }
        guard components.fragment == nil, !uri.contains("#") else {
            return "must not contain a fragment"
        }
        switch scheme {
        case "https":
            return nil
        case "http" where allowLoopbackHTTP && isLoopback(host):
            return nil
        default:
            return "must use https"
        }
    }

    /// A page shown to or linked for users (`logo_uri`, `client_uri`, `policy_uri`, `tos_uri`;
    /// OIDC Registration §2): an absolute http or https URL.
    public static func webPageURLProblem(_ uri: String) -> String? {
        guard uri.utf8.count <= 2000, let components = URLComponents(string: uri), let scheme = components.scheme?.lowercased(),
              let host = components.host, !host.isEmpty
        else {
            return "is not an absolute URL"
        }
        guard scheme == "https" || scheme == "http" else {
            return "must be an http or https URL"
        }
        return nil
    }

    /// The host of an absolute URI, lowercased; `nil` when it has none (custom schemes).
    public static func host(of uri: String) -> String? {
        guard let host = URLComponents(string: uri)?.host, !host.isEmpty else { return nil }
        return host.lowercased()
    }

    /// `localhost`, an IPv4 literal in 127.0.0.0/8, or ::1. A name such as `127.example.com`
    /// is not loopback.
    public static func isLoopback(_ host: String) -> Bool {
        let host = host.lowercased()
        if host == "localhost" || host == "::1" || host == "[::1]" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4, octets[0] == "127" else { return false }
        return octets.allSatisfy { octet in
            !octet.isEmpty && octet.count <= 3 && octet.allSatisfy(\.isASCII) && octet.allSatisfy(\.isNumber)
                && (Int(octet).map { $0 <= 255 } ?? false)
        }
    }
}
