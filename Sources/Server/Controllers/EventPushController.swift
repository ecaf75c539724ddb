import Foundation
import HTTPTypes
import Hummingbird
import WeChat

/// `GET|POST /callback/wechat/events`: the Official Account's server URL (服务器地址), routed
/// when `official_account.token` is set (WECHAT.md §5.3).
///
/// - `GET ?signature&timestamp&nonce&echostr` (URL verification): "valid when
///   `signature == hex(sha1(sorted([token, timestamp, nonce]).joined()))`; reply with `echostr`
///   as plain text. Reject anything unsigned."
/// - `POST` pushes, signed the same way; in safe mode (`encrypt_type=aes`) the body carries
///   `<Encrypt>` under `msg_signature`. "Reply `success` or an empty body within 5 s; WeChat
///   retries 3 times, so handling must be idempotent": a follow or scan of a login scene marks
///   it scanned (``recordScan(_:)``), nothing else is done inside the push.
struct EventPushController: Sendable {
    static let path = "/callback/wechat/events"
    /// WeChat's query values are short; anything longer is not WeChat.
    static let maxParameterLength = 512
    /// How long a push waits for its scan to be recorded before answering anyway (WeChat allows
    /// 5 s in all).
    static let recordingLimit: Duration = .seconds(3)

    let env: ProviderEnvironment
    let account: OfficialAccountCredentials
    let token: String

    func addRoutes(to router: some RouterMethods<ProviderRequestContext>) {
        router.get(RouterPath(Self.path)) { request, _ in verify(request) }
        router.post(RouterPath(Self.path)) { request, _ in
            var request = request
            return await push(&request)
        }
    }

    /// URL verification.
    func verify(_ request: Request) -> Response {
        guard let query = Self.query(request), let echo = query["echostr"], !echo.isEmpty,
              signed(query)
        else {
            env.logger.warning("WeChat push URL verification refused: bad or missing signature")
            return Self.text("invalid signature", status: .forbidden)
        }
        return Self.text(echo)
    }

    /// One push: signature, then (safe mode) msg_signature and decryption, then the XML.
    func push(_ request: inout Request) async -> Response {
        guard let query = Self.query(request), signed(query) else {
            env.logger.warning("WeChat push refused: bad or missing signature")
            return Self.text("invalid signature", status: .forbidden)
        }
        let body: String
        do {
            let buffer = try await request.collectBody(upTo: WeChatPushMessage.maxBytes)
            body = String(buffer: buffer)
        } catch {
            return Self.text("too large", status: .contentTooLarge)
        }
        guard var message = WeChatPushMessage(xml: body) else { return Self.text("malformed", status: .badRequest) }
        if query["encrypt_type"] == "aes" {
            guard let encrypted = message.encrypt, let msgSignature = query["msg_signature"],
                  WeChatPushSignature.isValidMessage(
                      msgSignature, token: token, timestamp: query["timestamp"] ?? "", nonce: query["nonce"] ?? "", encrypt: encrypted)
            else {
                env.logger.warning("WeChat push refused: bad or missing msg_signature")
                return Self.text("invalid signature", status: .forbidden)
            }
            guard let key = account.encodingAESKey, let crypto = WeChatMessageCrypto(encodingAESKey: key, appID: account.app.appID) else {
                env.logger.error("WeChat sent a safe-mode push but official_account.aes_key is not set")
                return Self.text("not configured", status: .badRequest)
            }
            do {
                guard let inner = WeChatPushMessage(xml: try crypto.decrypt(encrypted)) else { return Self.text("malformed", status: .badRequest) }
                message = inner
            } catch {
                env.logger.warning("WeChat push could not be decrypted", metadata: ["reason": "\(error.description)"])
                return Self.text("malformed", status: .badRequest)
            }
        }
        if let originalID = account.originalID, message.toUserName != originalID {
            env.logger.warning("WeChat push for another account (ToUserName is not official_account.original_id)")
        }
        await recordScan(message)
        return Self.text("success")
    }

    /// A `subscribe` or `SCAN` push whose scene (``WeChatPushMessage/scene``, `qrscene_`
    /// stripped) is one of our follow-login scenes marks it scanned by `FromUserName`: one
    /// conditional update, no WeChat call, so the push is answered well within WeChat's 5 s.
    /// Idempotent for WeChat's retries (§5.3 "WeChat retries 3 times"): the first scan of a
    /// waiting scene wins; a retried push (same `FromUserName` and `CreateTime`) or any later
    /// scan changes nothing. A storage failure is logged and still acknowledged: WeChat's retry
    /// cannot help a database that is down, and the browser's scene simply expires. The push
    /// waits for the update at most ``recordingLimit`` (``BoundedWait``).
    private func recordScan(_ message: WeChatPushMessage) async {
        guard let scene = message.scene, message.event == "subscribe" || message.event == "SCAN" else { return }
        guard FollowQRDoor.isWellFormedScene(scene), let openID = message.fromUserName, !openID.isEmpty, openID.utf8.count <= 128 else {
            env.logger.info("WeChat follow/scan push for a scene that is not a login", metadata: ["event": "\(message.event ?? "")"])
            return
        }
        let env = env
        let event = message.event ?? ""
        let recorded = await BoundedWait.run(within: Self.recordingLimit) {
            do {
                let marked = try await env.stores.followScenes.markScanned(id: scene, openID: openID, now: env.clock.now())
                env.logger.info("WeChat follow/scan push for a login scene", metadata: ["event": "\(event)", "marked": "\(marked)"])
            } catch {
                env.logger.error("could not record a follow/scan push", metadata: ["error": "\(error)"])
            }
        }
        if !recorded {
            env.logger.warning("the database is slow: a follow/scan push was acknowledged before its scan was recorded")
        }
    }

    private func signed(_ query: [String: String]) -> Bool {
        guard let signature = query["signature"], let timestamp = query["timestamp"], let nonce = query["nonce"],
              !timestamp.isEmpty, !nonce.isEmpty
        else { return false }
        return WeChatPushSignature.isValid(signature, token: token, timestamp: timestamp, nonce: nonce)
    }

    /// The query as a dictionary; `nil` when malformed, repeated or oversized.
    private static func query(_ request: Request) -> [String: String]? {
        guard let parameters = HTTPHelpers.queryParameters(request) else { return nil }
        let (values, repeated) = HTTPHelpers.dictionary(parameters)
        guard repeated.isEmpty, values.values.allSatisfy({ $0.utf8.count <= maxParameterLength }) else { return nil }
        return values
    }

    private static func text(_ body: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: body))
        )
    }
}
