import Foundation

/// What a registered redirect URI must look like (RFC 6749 §3.1.2: "The redirection endpoint
/// URI MUST be an absolute URI … MUST NOT include a fragment component"; RFC 9700 §2.6 /
/// RFC 8252 §7.3: http only for loopback).
public enum RedirectURIRule {
    public static func validate(_ uri: String) throws {
        guard uri.utf8.count <= 2000, let components = URLComponents(string: uri), let scheme = components.scheme?.lowercased() else {
            throw ClientRegistry.Failure(description: "redirect URI \(uri) is not an absolute URI")
        }
        guard components.fragment == nil, !uri.contains("#") else {
            throw ClientRegistry.Failure(description: "redirect URI \(uri) must not contain a fragment")
        }
        switch scheme {
        case "https":
            guard let host = components.host, !host.isEmpty else {
                throw ClientRegistry.Failure(description: "redirect URI \(uri) has no host")
            }
        case "http":
            guard let host = components.host, host == "localhost" || host.hasPrefix("127.") || host == "[::1]" || host == "::1" else {
                throw ClientRegistry.Failure(description: "redirect URI \(uri) must use https (http only for loopback)")
            }
        case "javascript", "data", "file", "vbscript":
            throw ClientRegistry.Failure(description: "redirect URI scheme \(scheme) is not allowed")
        default:
            // Private-use schemes for native apps (RFC 8252 §7.1), e.g. com.example.app:/callback.
            guard scheme.contains(".") else {
                throw ClientRegistry.Failure(description: "redirect URI \(uri): custom schemes must be reverse domain names (RFC 8252 §7.1)")
            }
        }
    }
}
