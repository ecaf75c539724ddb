import AsyncHTTPClient
import Logging
import NIOCore

/// Calls WeChat's login APIs (WECHAT.md §2 and §4). Knows nothing of OIDC.
///
/// Every JSON call is a `GET` with percent-encoded query parameters ("The docs say GET with query
/// parameters"), read as JSON whatever the `Content-Type`, with the body capped at 64 KiB.
/// `errcode` `-1` and transport failures are retried per ``WeChatRetryPolicy``; every attempt is
/// bounded by ``requestTimeout`` (connection, head and body together), so a whole call ends within
/// about `maxAttempts × (requestTimeout + maxDelay)`.
///
/// Logging never includes the secret, codes, tokens or the request URL (which carries them).
public struct WeChatClient: Sendable {
    public let endpoints: WeChatEndpoints
    public let retryPolicy: WeChatRetryPolicy
    public let requestTimeout: Duration
    private let httpClient: HTTPClient
    private let logger: Logger
    private let observer: CallObserver

    /// Told of every attempt of every API call: the API's name and the outcome — `"0"` for
    /// success, WeChat's errcode, or the failure category when there is no errcode (for metrics).
    public typealias CallObserver = @Sendable (_ api: String, _ outcome: String) -> Void

    public init(
        httpClient: HTTPClient,
        endpoints: WeChatEndpoints,
        retryPolicy: WeChatRetryPolicy = .default,
        requestTimeout: Duration = .seconds(5),
        logger: Logger,
        observer: @escaping CallObserver = { _, _ in }
    ) {
        self.httpClient = httpClient
        self.endpoints = endpoints
        self.retryPolicy = retryPolicy
        self.requestTimeout = requestTimeout
        self.logger = logger
        self.observer = observer
    }

    // MARK: - Website app: PC QR login (WECHAT.md §2)

    /// The `qrconnect` URL the browser is sent to.
    ///
    /// WECHAT.md §2: "Send the parameters in exactly this order, then `lang` (`cn` default, or
    /// `en`) if wanted, then the `#wechat_redirect` fragment. Reordered parameters have produced
    /// blank pages in practice." Only meaningful for ``WeChatAppCredentials/Kind/website`` apps:
    /// "the Official Account keypair for `qrconnect` … fails with page errors" (§7).
    ///
    /// `extra` parameters (the embedded QR's `login_type`, `self_redirect`, `style`) follow
    /// `lang`; with any of them the URL is meant for an iframe and carries no fragment.
    public func qrConnectURL(
        app: WeChatAppCredentials, redirectURI: String, state: String, lang: String? = nil, extra: [(String, String)] = []
    ) -> String {
        var query = WeChatQuery([
            ("appid", app.appID),
            ("redirect_uri", redirectURI),
            ("response_type", "code"),
            ("scope", "snsapi_login"),
            ("state", state),
        ])
        if let lang { query.append("lang", lang) }
        for (name, value) in extra { query.append(name, value) }
        let fragment = extra.isEmpty ? "#wechat_redirect" : ""
        return "\(endpoints.openBaseURL.withoutTrailingSlashes)/connect/qrconnect?\(query.encoded)\(fragment)"
    }

    // MARK: - Code exchange and user APIs (WECHAT.md §4)

    /// `GET /sns/oauth2/access_token?appid&secret&code&grant_type=authorization_code`.
    ///
    /// Refuses a snapshot-page identity with ``WeChatError/Category/snapshotUser``: WECHAT.md §3,
    /// "The code exchange then carries `"is_snapshotuser": 1`. Never create or link an account
    /// from such a response".
    public func exchangeCode(_ code: String, app: WeChatAppCredentials) async throws(WeChatError) -> WeChatOAuthToken {
        let query = WeChatQuery([
            ("appid", app.appID),
            ("secret", app.secret),
            ("code", code),
            ("grant_type", "authorization_code"),
        ])
        let body = try await call(.accessToken, query: query)
        let token = try WeChatResponseBody.decode(WeChatOAuthToken.self, from: body)
        if token.isSnapshotUser {
            logger.notice("WeChat code exchange refused: snapshot-page user", metadata: ["wechat.api": "access_token"])
            throw .snapshotUser()
        }
        return token
    }

    /// `GET /sns/oauth2/refresh_token?appid&grant_type=refresh_token&refresh_token` (no secret;
    /// WECHAT.md §4: "refresh_token lives 30 days").
    public func refreshToken(_ refreshToken: String, app: WeChatAppCredentials) async throws(WeChatError) -> WeChatOAuthToken {
        let query = WeChatQuery([
            ("appid", app.appID),
            ("grant_type", "refresh_token"),
            ("refresh_token", refreshToken),
        ])
        let body = try await call(.refreshToken, query: query)
        return try WeChatResponseBody.decode(WeChatOAuthToken.self, from: body)
    }

    /// `GET /sns/auth?access_token&openid`; returns normally on `{"errcode":0,"errmsg":"ok"}`.
    public func checkAccessToken(_ accessToken: String, openID: String) async throws(WeChatError) {
        let query = WeChatQuery([("access_token", accessToken), ("openid", openID)])
        _ = try await call(.auth, query: query)
    }

    /// `GET /sns/userinfo?access_token&openid&lang` (`lang` = `zh_CN`, `zh_TW` or `en`).
    public func userInfo(accessToken: String, openID: String, lang: String = "zh_CN") async throws(WeChatError) -> WeChatUserInfo {
        let query = WeChatQuery([("access_token", accessToken), ("openid", openID), ("lang", lang)])
        let body = try await call(.userInfo, query: query)
        return try WeChatResponseBody.decode(WeChatUserInfo.self, from: body)
    }
}

// MARK: - Transport

extension WeChatClient {
    enum API: String, Sendable {
        case accessToken = "access_token"
        case refreshToken = "refresh_token"
        case auth
        case userInfo = "userinfo"
        case jsCode2Session = "jscode2session"
        case stableToken = "stable_token"
        case createQRCode = "qrcode_create"
        case subscriberInfo = "user_info"

        var path: String {
            switch self {
            case .accessToken: "/sns/oauth2/access_token"
            case .refreshToken: "/sns/oauth2/refresh_token"
            case .auth: "/sns/auth"
            case .userInfo: "/sns/userinfo"
            case .jsCode2Session: "/sns/jscode2session"
            case .stableToken: "/cgi-bin/stable_token"
            case .createQRCode: "/cgi-bin/qrcode/create"
            case .subscriberInfo: "/cgi-bin/user/info"
            }
        }
    }

    /// One call with retries; returns a body whose `errcode` is absent or 0. With `jsonBody` the
    /// call is a `POST` of that JSON (the `/cgi-bin/…` APIs), otherwise a `GET`.
    func call(_ api: API, query: WeChatQuery, jsonBody: [UInt8]? = nil) async throws(WeChatError) -> [UInt8] {
        let url = "\(endpoints.apiBaseURL.withoutTrailingSlashes)\(api.path)?\(query.encoded)"
        let attempts = retryPolicy.attempts
        var attempt = 1
        while true {
            let started = ContinuousClock.now
            do throws(WeChatError) {
                let body = try await fetchOnce(url: url, jsonBody: jsonBody)
                try WeChatResponseBody.checkErrcode(body)
                observer(api.path, "0")
                logger.debug("WeChat call succeeded", metadata: metadata(api, attempt: attempt, started: started))
                return body
            } catch {
                observer(api.path, error.errcode.map { String($0) } ?? "\(error.category)")
                var metadata = metadata(api, attempt: attempt, started: started)
                metadata["wechat.category"] = "\(error.category)"
                if let errcode = error.errcode { metadata["wechat.errcode"] = "\(errcode)" }
                if let errmsg = error.errmsg { metadata["wechat.errmsg"] = "\(errmsg)" }
                if error.isRetryable, attempt < attempts, !Task.isCancelled {
                    let delay = retryPolicy.delay(afterAttempt: attempt)
                    metadata["wechat.retry_in_ms"] = "\(delay.milliseconds)"
                    logger.warning("WeChat call failed; retrying", metadata: metadata)
                    do {
                        try await Task.sleep(for: delay)
                    } catch {
                        throw .transport("cancelled")
                    }
                    attempt += 1
                    continue
                }
                let level: Logger.Level =
                    switch error.category {
                    case .configuration, .systemBusy, .transport, .malformedResponse, .quota, .unknown: .error
                    default: .notice
                    }
                logger.log(level: level, "WeChat call failed", metadata: metadata)
                throw error
            }
        }
    }

    private func metadata(_ api: API, attempt: Int, started: ContinuousClock.Instant) -> Logger.Metadata {
        [
            "wechat.api": "\(api.rawValue)",
            "wechat.attempt": "\(attempt)",
            "wechat.duration_ms": "\((ContinuousClock.now - started).milliseconds)",
        ]
    }

    /// One HTTP exchange bounded by ``requestTimeout`` as a whole (AsyncHTTPClient's deadline
    /// stops at the response head, so the body read is raced against the timeout here).
    private func fetchOnce(url: String, jsonBody: [UInt8]?) async throws(WeChatError) -> [UInt8] {
        let httpClient = self.httpClient
        let timeout = requestTimeout
        let result = await withTaskGroup(of: Result<[UInt8], WeChatError>?.self) { group in
            group.addTask {
                await Self.perform(httpClient: httpClient, url: url, jsonBody: jsonBody, timeout: timeout)
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? .failure(.transport("timed out after \(timeout)"))
        }
        return try result.get()
    }

    private static func perform(httpClient: HTTPClient, url: String, jsonBody: [UInt8]?, timeout: Duration) async -> Result<[UInt8], WeChatError> {
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        if let jsonBody {
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: jsonBody))
        }
        request.headers.add(name: "Accept", value: "application/json, text/plain, */*")
        do {
            let response = try await httpClient.execute(request, deadline: .now() + TimeAmount(timeout))
            let status = response.status.code
            guard (200..<300).contains(status) else {
                // WeChat answers 200 even on error; anything else is a proxy or an outage.
                return .failure(status >= 500 ? .transport("HTTP status \(status)") : .malformedResponse("HTTP status \(status)"))
            }
            let buffer = try await response.body.collect(upTo: WeChatResponseBody.maxBytes)
            return .success(Array(buffer.readableBytesView))
        } catch is NIOTooManyBytesError {
            return .failure(.malformedResponse("body larger than \(WeChatResponseBody.maxBytes) bytes"))
        } catch {
            return .failure(.transport(String(describing: error)))
        }
    }
}

extension Duration {
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
