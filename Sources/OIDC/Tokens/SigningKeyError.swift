/// Why a signing key could not be loaded or used. The text names the problem, never key bytes.
public struct SigningKeyError: Error, CustomStringConvertible, Equatable {
    private enum Code: Equatable {
        case unreadableKey
        case wrongKeyType
        case noActiveKey
        case unsupportedAlgorithm
    }

    private let code: Code
    public let description: String

    private init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }

    /// The PEM is not a private key this algorithm can use.
    public static func unreadableKey(_ detail: String) -> SigningKeyError { .init(.unreadableKey, detail) }
    /// The key's type does not fit the algorithm (e.g. an EC key for RS256).
    public static func wrongKeyType(_ detail: String) -> SigningKeyError { .init(.wrongKeyType, detail) }
    /// No active key signs with this algorithm.
    public static func noActiveKey(_ algorithm: String) -> SigningKeyError {
        .init(.noActiveKey, "no active signing key for \(algorithm)")
    }
    /// Not a JWS algorithm this provider signs with.
    public static func unsupportedAlgorithm(_ algorithm: String) -> SigningKeyError {
        .init(.unsupportedAlgorithm, "\(algorithm) is not a supported signing algorithm")
    }

    public var isNoActiveKey: Bool { code == .noActiveKey }
    public var isUnsupportedAlgorithm: Bool { code == .unsupportedAlgorithm }
}
