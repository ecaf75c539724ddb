import Foundation

/// The client credentials presented at the token endpoint, before they are checked.
public struct ClientCredentials: Sendable, Equatable {
    public enum Method: Sendable, Equatable {
        case basic
        case post
        case none
    }

    public var clientID: String
    public var secret: String?
    public var method: Method

    /// Extracts credentials per RFC 6749 §2.3.1. The HTTP Basic user and password are the
    /// client id and secret, each "encoded using the application/x-www-form-urlencoded encoding
    /// algorithm" before base64; "The client MUST NOT use more than one authentication method
    /// in each request."
    public static func extract(
        authorizationHeader: String?, form: [String: String]
    ) -> Result<ClientCredentials, OAuthError> {
        let bodyID = form["client_id"].flatMap { $0.isEmpty ? nil : $0 }
        let bodySecret = form["client_secret"].flatMap { $0.isEmpty ? nil : $0 }
        if let header = authorizationHeader {
            guard let encoded = basicCredentials(header) else {
                return .failure(.invalidClient("unsupported Authorization scheme"))
            }
            guard let data = Data(base64Encoded: String(encoded)), let decoded = String(validating: data, as: UTF8.self),
                  let colon = decoded.firstIndex(of: ":"),
                  let id = FormEncoding.decode(decoded[..<colon]),
                  let secret = FormEncoding.decode(decoded[decoded.index(after: colon)...]),
                  !id.isEmpty
            else {
                return .failure(.invalidClient("malformed HTTP Basic credentials"))
            }
            if bodySecret != nil {
                return .failure(.invalidRequest("more than one client authentication method"))
            }
            if let bodyID, bodyID != id {
                return .failure(.invalidClient("client_id does not match the authenticated client"))
            }
            return .success(ClientCredentials(clientID: id, secret: secret, method: .basic))
        }
        guard let bodyID else {
            return .failure(.invalidClient("client authentication is required"))
        }
        if let bodySecret {
            return .success(ClientCredentials(clientID: bodyID, secret: bodySecret, method: .post))
        }
        return .success(ClientCredentials(clientID: bodyID, secret: nil, method: .none))
    }

    /// The token68 of a `Basic` Authorization header (RFC 7617 §2; the scheme name is
    /// case-insensitive, RFC 7235 §2.1), without the spaces or tabs around it (empty when there
    /// is nothing else: malformed credentials, not another scheme); `nil` for another scheme.
    /// Read on bytes: it runs on every token request.
    static func basicCredentials(_ header: String) -> Substring? {
        let scheme = "basic ".utf8
        let utf8 = header.utf8
        guard utf8.count > scheme.count,
              zip(utf8, scheme).allSatisfy({ byte, wanted in byte == wanted || (byte >= 0x41 && byte <= 0x5A && byte | 0x20 == wanted) })
        else { return nil }
        let isBlank = { (byte: UInt8) in byte == 0x20 || byte == 0x09 }
        var rest = utf8.dropFirst(scheme.count)
        while let first = rest.first, isBlank(first) { rest = rest.dropFirst() }
        while let last = rest.last, isBlank(last) { rest = rest.dropLast() }
        return Substring(rest)
    }

    /// Checks the credentials against the registered client. Confidential clients prove their
    /// secret by Basic or by POST (constant-time comparison of SHA-256 digests); public clients
    /// present none (RFC 6749 §2.1, §3.2.1; `none` in OIDC Registration §2).
    /// The `token_endpoint_auth_method` values this server verifies (OIDC Registration §2,
    /// OIDC Core §9; the JWT methods by `ClientAssertionRules`).
    public static let supportedMethods = ["client_secret_basic", "client_secret_post", "client_secret_jwt", "private_key_jwt", "none"]
    /// The `alg` values accepted for `private_key_jwt` and `client_secret_jwt` assertions.
    public static let assertionSigningAlgorithms = ["RS256", "ES256", "PS256", "HS256"]

    public func authenticate(against client: ClientDescription?) -> Result<ClientDescription, OAuthError> {
        guard let client, client.id == clientID else {
            return .failure(.invalidClient("client authentication failed"))
        }
        switch (client.secretHash, method, secret) {
        case (.some(let hash), .basic, .some(let secret)), (.some(let hash), .post, .some(let secret)):
            guard SecretHash.matches(secret, hash: hash) else {
                return .failure(.invalidClient("client authentication failed"))
            }
            return .success(client)
        case (.none, .none, .none) where client.authMethod == .none:
            // Only a client registered without credentials may present none; a client that
            // authenticates with keys (private_key_jwt) must send its assertion.
            return .success(client)
        default:
            return .failure(.invalidClient("client authentication failed"))
        }
    }
}
