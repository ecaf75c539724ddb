import Foundation

/// Validation rules for individual settings.
enum SettingsValidation {
    /// OIDC Discovery §3 `issuer`: "URL using the https scheme with no query or fragment
    /// components"; http only for loopback development.
    static func issuer(_ raw: String) throws -> String {
        var value = raw
        while value.hasSuffix("/") { value.removeLast() }
        guard let url = URLComponents(string: value), let scheme = url.scheme, let host = url.host, !host.isEmpty,
              url.query == nil, url.fragment == nil, url.user == nil
        else {
            throw SettingsError(key: SettingsKey.issuer, message: "must be an absolute https URL without query or fragment")
        }
        switch scheme {
        case "https": break
        case "http" where isLoopback(host): break
        default:
            throw SettingsError(key: SettingsKey.issuer, message: "must use https (http is allowed only for 127.0.0.1/localhost)")
        }
        return value
    }

    static func baseURL(_ raw: String, key: String) throws -> String {
        var value = raw
        while value.hasSuffix("/") { value.removeLast() }
        guard let url = URLComponents(string: value), let scheme = url.scheme, ["http", "https"].contains(scheme),
              let host = url.host, !host.isEmpty, url.query == nil, url.fragment == nil
        else {
            throw SettingsError(key: key, message: "must be an absolute http(s) URL")
        }
        return value
    }

    /// WeChat appids start with `wx` and are alphanumeric.
    static func appID(_ raw: String, key: String) throws -> String {
        guard raw.hasPrefix("wx"), raw.count <= 64, raw.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            throw SettingsError(key: key, message: "must be a WeChat appid (wx followed by letters and digits)")
        }
        return raw
    }

    /// The Open Platform original ID (原始ID) starts with `gh_`.
    static func openPlatformID(_ raw: String) throws -> String {
        try originalID(raw, key: SettingsKey.openPlatformID)
    }

    /// An original ID (原始ID): `gh_` then letters, digits or `_`.
    static func originalID(_ raw: String, key: String) throws -> String {
        guard raw.hasPrefix("gh_"), raw.count <= 64,
              raw.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") })
        else {
            throw SettingsError(key: key, message: "must be the original ID (gh_…)")
        }
        return raw
    }

    /// The EncodingAESKey: WECHAT.md §5.3, "the AES key is `base64decode(EncodingAESKey + "=")`
    /// (32 bytes)", so 43 base64 characters.
    static func encodingAESKey(_ raw: String) throws {
        let key = SettingsKey.officialAccountAESKey
        guard raw.utf8.count == 43 else {
            throw SettingsError(key: key, message: "must be 43 characters (the EncodingAESKey from the Media Platform console), got \(raw.count)")
        }
        guard let bytes = Data(base64Encoded: raw + "="), bytes.count == 32 else {
            throw SettingsError(key: key, message: "must be base64 (A–Z, a–z, 0–9, +, /) decoding to 32 bytes with a trailing =")
        }
    }

    /// The server token (令牌): the console allows 3 to 32 letters and digits.
    static func serverToken(_ raw: String) throws {
        guard (3...32).contains(raw.utf8.count), raw.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            throw SettingsError(key: SettingsKey.officialAccountToken, message: "must be 3 to 32 letters and digits")
        }
    }

    /// The RFC 7591 §3 initial access token: long enough that guessing it is hopeless (the
    /// endpoint does not throttle), e.g. `openssl rand -base64 32`.
    static func registrationToken(_ raw: String) throws -> String {
        guard (32...512).contains(raw.unicodeScalars.count), raw.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
            throw SettingsError(
                key: SettingsKey.registrationInitialAccessToken,
                message: "must be 32 to 512 printable ASCII characters without spaces (also settable as \(SettingsKey.registrationTokenVariable))"
            )
        }
        return raw
    }

    /// `true`/`false` (also `yes`/`no`, `1`/`0`).
    static func boolean(_ raw: String, key: String) throws -> Bool {
        switch raw.trimmingCharacters(in: .whitespaces).lowercased() {
        case "true", "yes", "1": return true
        case "false", "no", "0": return false
        default: throw SettingsError(key: key, message: "must be true or false, got \"\(raw)\"")
        }
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }
}
