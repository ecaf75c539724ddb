import Foundation

/// A pushed authorization request (RFC 9126 §2): the parameters a client POSTed to the PAR
/// endpoint, redeemed once at the authorization endpoint through its `request_uri`.
public struct PushedAuthorizationRecord: Sendable, Equatable, Codable {
    /// The `urn:ietf:params:oauth:request_uri:…` value handed to the client.
    public var requestURI: String
    public var clientID: String
    /// The request's parameters in the order they were sent.
    public var parameters: [[String]]
    public var createdAt: Date
    public var expiresAt: Date

    public init(requestURI: String, clientID: String, parameters: [[String]], createdAt: Date, expiresAt: Date) {
        self.requestURI = requestURI
        self.clientID = clientID
        self.parameters = parameters
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}
