import Foundation

extension Data {
    /// base64url without padding (RFC 7515 §2, "Base64url Encoding").
    public func base64URLEncodedString() -> String {
        var s = base64EncodedString()
        s = s.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        while s.hasSuffix("=") { s.removeLast() }
        return s
    }

    /// Decodes base64url with or without padding; `nil` on any invalid character.
    public init?(base64URLEncoded text: some StringProtocol) {
        var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        guard !s.contains("=") else { return nil }
        switch s.count % 4 {
        case 2: s += "=="
        case 3: s += "="
        case 1: return nil
        default: break
        }
        self.init(base64Encoded: s)
    }
}
