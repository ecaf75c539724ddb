import Foundation
import WeChat
@testable import Server

/// Drives "follow the Official Account to log in" from the outside: the login page's QR and
/// scene, the simulator's `POST /_simulator/scan`, and the signed (plain or safe-mode) push the
/// test delivers to `/callback/wechat/events` as WeChat would.
struct FollowLoginDriver {
    static let token = "followtoken7"
    static let aesKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFA"

    /// `login.page: follow` with a server token and EncodingAESKey.
    static let options = TestProvider.Options(adjustSettings: {
        $0.officialAccount?.serverToken = FollowLoginDriver.token
        $0.officialAccount?.encodingAESKey = FollowLoginDriver.aesKey
        $0.loginPage = .follow
    })

    let provider: TestProvider

    struct LoginPage {
        let page: TestBrowser.Page
        let imageURL: String
        let ticket: String
        let scene: String
    }

    /// The follow login page's QR image URL, its ticket and the scene the page polls with.
    func loginPage(_ page: TestBrowser.Page) throws -> LoginPage {
        guard page.status == 200,
              let image = InWeChatDoorTests.capture(#"<img id="follow-qr" src="([^"]+)""#, page.body),
              let scene = InWeChatDoorTests.capture(#"data-status-url="/login/follow-status\?scene=([A-Za-z0-9]+)""#, page.body)
        else { throw TestFailure("not the follow login page: \(page.status) \(page.body.prefix(400))") }
        let imageURL = image.replacingOccurrences(of: "&amp;", with: "&")
        guard let ticket = queryItems(imageURL)["ticket"] else { throw TestFailure("no ticket in \(imageURL)") }
        return LoginPage(page: page, imageURL: imageURL, ticket: ticket, scene: scene)
    }

    /// A phone scanning the QR: the simulator answers with the push XML WeChat would send.
    func scan(ticket: String, user: String = "alice") async throws -> (event: String, openID: String, xml: String) {
        let body = String(decoding: try JSONEncoder().encode(["ticket": ticket, "user": user]), as: UTF8.self)
        let answer = try await provider.browser.get(
            provider.simulatorBase + "/_simulator/scan", method: .POST, rawBody: body, headers: [("Content-Type", "application/json")]
        )
        guard answer.status == 200,
              let json = try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any],
              let event = json["event"] as? String, let openID = json["openid"] as? String, let xml = json["xml"] as? String
        else { throw TestFailure("scan refused: \(answer.status) \(answer.body)") }
        return (event, openID, xml)
    }

    /// The push delivered as WeChat does: plain (`signature`) or safe mode (`encrypt_type=aes`,
    /// `msg_signature` over `<Encrypt>`).
    func push(_ xml: String, safeMode: Bool, timestamp: String = "1700000000", nonce: String = "n0nce") async throws -> TestBrowser.Page {
        let signature = WeChatPushSignature.compute([Self.token, timestamp, nonce])
        var query = "signature=\(signature)&timestamp=\(timestamp)&nonce=\(nonce)"
        var body = xml
        if safeMode {
            guard let appID = provider.settings.officialAccount?.app.appID,
                  let crypto = WeChatMessageCrypto(encodingAESKey: Self.aesKey, appID: appID)
            else { throw TestFailure("no Official Account") }
            let encrypted = try crypto.encrypt(xml, random: Array(repeating: 7, count: 16))
            let msgSignature = WeChatPushSignature.compute([Self.token, timestamp, nonce, encrypted])
            query += "&encrypt_type=aes&msg_signature=\(msgSignature)"
            body = "<xml><ToUserName><![CDATA[gh_x]]></ToUserName><Encrypt><![CDATA[\(encrypted)]]></Encrypt></xml>"
        }
        return try await provider.browser.get(provider.issuer + "/callback/wechat/events?" + query, method: .POST, rawBody: body)
    }

    /// `GET /login/follow-status` from `browser`: the HTTP status and the `status` field.
    func status(_ scene: String, browser: TestBrowser) async throws -> (code: Int, status: String?) {
        let page = try await browser.get(provider.issuer + "/login/follow-status?scene=" + scene)
        let json = try? JSONSerialization.jsonObject(with: Data(page.body.utf8)) as? [String: Any]
        return (page.status, json?["status"] as? String)
    }

    func complete(_ scene: String, browser: TestBrowser) async throws -> TestBrowser.Page {
        try await browser.get(provider.issuer + "/login/follow-complete?scene=" + scene)
    }
}
