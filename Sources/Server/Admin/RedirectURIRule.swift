import Foundation
import OIDC

/// What a registered redirect URI must look like (RFC 6749 §3.1.2: "The redirection endpoint
/// URI MUST be an absolute URI … MUST NOT include a fragment component"; RFC 9700 §2.6 /
/// RFC 8252 §7.3: http only for loopback). The rule itself is `URIRules.redirectURIProblem`,
/// shared with Dynamic Client Registration; this is its administrator-facing form.
public enum RedirectURIRule {
    /// Throws a `ClientRegistry.Failure` naming the URI. `native` (the default) also admits
    /// reverse-domain custom schemes (RFC 8252 §7.1); `web` admits https and loopback http only.
    public static func validate(_ uri: String, applicationType: String = "native") throws {
        if let problem = URIRules.redirectURIProblem(uri, applicationType: applicationType) {
            throw ClientRegistry.Failure(description: "redirect URI \(uri) \(problem)")
        }
    }
}
