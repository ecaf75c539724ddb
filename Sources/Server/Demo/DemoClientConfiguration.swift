/// The demo relying party's registration, made by `dev`.
public struct DemoClientConfiguration: Sendable {
    public var clientID: String
    public var clientSecret: String

    public init(clientID: String, clientSecret: String) {
        self.clientID = clientID
        self.clientSecret = clientSecret
    }

    public static let callbackPath = "/demo/callback"
}
