import Crypto
import Foundation

/// Derives WeChat-looking identifiers and random credentials.
///
/// WECHAT.md §1: "`openid` is unique per user **per appid**"; "`unionid` is the same person
/// across every app bound to one Open Platform account". Both are HMAC-SHA256 of the simulator
/// seed, so they are stable across restarts. Like WeChat's, they are 28 characters starting with
/// `o`, and the openids of one app share a short app-specific prefix.
struct SimulatorIdentity: Sendable {
    private let key: SymmetricKey

    init(seed: String) {
        key = SymmetricKey(data: SHA256.hash(data: Data("wechat-simulator-seed:\(seed)".utf8)))
    }

    func openID(appID: String, userID: String) -> String {
        "o" + derive("openid-prefix", appID).prefix(5) + derive("openid", appID, userID).prefix(22)
    }

    func unionID(openPlatformID: String, userID: String) -> String {
        "o" + derive("unionid-prefix", openPlatformID).prefix(5) + derive("unionid", openPlatformID, userID).prefix(22)
    }

    /// The virtual openid a snapshot page hands out (WECHAT.md §3).
    func snapshotOpenID(appID: String, userID: String) -> String {
        "o" + derive("openid-prefix", appID).prefix(5) + derive("snapshot", appID, userID).prefix(22)
    }

    private func derive(_ parts: String...) -> String {
        let message = parts.map { "\($0.utf8.count):\($0)" }.joined()
        let mac = HMAC<SHA256>.authenticationCode(for: Data(message.utf8), using: key)
        return Data(mac).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    // MARK: Random values

    private static let alphanumerics = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
    private static let tokenCharacters = alphanumerics + Array("-_")

    /// A 32-character authorization code, like WeChat's.
    static func randomCode() -> String {
        String((0..<32).map { _ in alphanumerics.randomElement() ?? "0" })
    }

    /// An opaque token (access or refresh), ~100 characters like WeChat's.
    static func randomToken() -> String {
        String((0..<107).map { _ in tokenCharacters.randomElement() ?? "0" })
    }

    /// Unguessable id of a pending QR login.
    static func randomTicket() -> String {
        String((0..<32).map { _ in alphanumerics.randomElement() ?? "0" })
    }

    /// WeChat appends `rid: <id>` to every errmsg.
    static func randomRID() -> String {
        let hex = Array("0123456789abcdef")
        func group() -> String { String((0..<8).map { _ in hex.randomElement() ?? "0" }) }
        return "\(group())-\(group())-\(group())"
    }
}
