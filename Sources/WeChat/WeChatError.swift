/// A failed WeChat call.
///
/// WECHAT.md §4: "WeChat answers HTTP 200 even on error, with `{"errcode":N,"errmsg":"..."}` …
/// branch on `errcode`, and never match `errmsg` exactly (it carries suffixes such as `rid: …`)."
/// So callers branch on ``category`` (or on ``errcode``); ``errmsg`` is for logs only.
///
/// A struct around a private enum (see `Category`), so new categories never break callers.
public struct WeChatError: Error, Sendable, Hashable {
    /// WeChat's `errcode`; `nil` for transport failures, malformed responses and snapshot users.
    public let errcode: Int?
    /// WeChat's `errmsg` (or a short local reason). For logs, never for branching or users.
    public let errmsg: String?
    /// What the caller should do about it.
    public let category: Category

    private init(errcode: Int?, errmsg: String?, category: Category) {
        self.errcode = errcode
        self.errmsg = errmsg
        self.category = category
    }

    /// Whether ``WeChatClient`` retries the call: only `-1` (system busy) and transport failures.
    public var isRetryable: Bool {
        category == .systemBusy || category == .transport
    }
}

// MARK: - Factories

extension WeChatError {
    /// An error body from WeChat, categorised by its `errcode` (WECHAT.md §4, "Errors").
    public static func errcode(_ errcode: Int, errmsg: String?) -> WeChatError {
        WeChatError(errcode: errcode, errmsg: errmsg, category: Category(errcode: errcode))
    }

    /// The connection failed or the request timed out.
    public static func transport(_ reason: String) -> WeChatError {
        WeChatError(errcode: nil, errmsg: reason, category: .transport)
    }

    /// The body was not JSON, was empty, was too large, or lacked the expected fields.
    public static func malformedResponse(_ reason: String) -> WeChatError {
        WeChatError(errcode: nil, errmsg: reason, category: .malformedResponse)
    }

    /// WECHAT.md §3: the exchange carried `"is_snapshotuser": 1` — the identity is virtual.
    /// "Never create or link an account from such a response."
    public static func snapshotUser() -> WeChatError {
        WeChatError(
            errcode: nil,
            errmsg: "is_snapshotuser=1: virtual snapshot-page identity",
            category: .snapshotUser
        )
    }
}

// MARK: - Category

extension WeChatError {
    /// What kind of failure this is, from the facade's point of view (WECHAT.md §4 table).
    ///
    /// Compare with `==` (`error.category == .expired`); switching exhaustively is deliberately
    /// not possible so that categories can be added.
    public struct Category: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case systemBusy, configuration, invalidCode, codeUsed, expired, invalidToken
            case denied, quota, snapshotUser, transport, malformedResponse, unknown
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// `-1`: "system busy — retry with back-off, then fail as temporarily unavailable".
        public static let systemBusy = Category(.systemBusy)
        /// `40013` invalid appid, `40125` invalid appsecret, `40164` IP not whitelisted,
        /// `48001` API unauthorized, `41001`–`41009` missing parameter (a bug), `40001`
        /// invalid credential: the operator must fix the configuration or the code.
        public static let configuration = Category(.configuration)
        /// `40029` invalid code: "login failed: restart".
        public static let invalidCode = Category(.invalidCode)
        /// `40163` code been used: "a replayed or double-submitted callback".
        public static let codeUsed = Category(.codeUsed)
        /// `42001` / `42002` / `42003` access_token / refresh_token / code expired, `42007` tokens
        /// revoked after a password change: "re-authenticate".
        public static let expired = Category(.expired)
        /// `40014` invalid access_token, `40030` invalid refresh_token, `40003` invalid openid.
        public static let invalidToken = Category(.invalidToken)
        /// `50001` / `50002`: user has not authorized / user restricted: "access denied".
        public static let denied = Category(.denied)
        /// `45009` daily quota, `45011` per-minute quota.
        public static let quota = Category(.quota)
        /// A successful exchange with `is_snapshotuser=1` (WECHAT.md §3).
        public static let snapshotUser = Category(.snapshotUser)
        /// Connection error or timeout.
        public static let transport = Category(.transport)
        /// Not JSON, empty body, oversized body, or JSON without the expected fields.
        public static let malformedResponse = Category(.malformedResponse)
        /// Any other errcode.
        public static let unknown = Category(.unknown)

        init(errcode: Int) {
            switch errcode {
            case -1: self = .systemBusy
            case 40001, 40013, 40125, 40164, 48001, 41001...41009: self = .configuration
            case 40029: self = .invalidCode
            case 40163: self = .codeUsed
            case 42001, 42002, 42003, 42007: self = .expired
            case 40003, 40014, 40030: self = .invalidToken
            case 50001, 50002: self = .denied
            case 45009, 45011: self = .quota
            default: self = .unknown
            }
        }

        public var description: String { base.rawValue }
    }
}

extension WeChatError: CustomStringConvertible {
    public var description: String {
        var text = "WeChatError(\(category)"
        if let errcode { text += ", errcode: \(errcode)" }
        if let errmsg { text += ", errmsg: \(errmsg)" }
        return text + ")"
    }
}
