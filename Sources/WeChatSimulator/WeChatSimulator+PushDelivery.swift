import AsyncHTTPClient
import Crypto
import Foundation
import Hummingbird
import NIOCore

/// `POST /_simulator/scan` with `{"ticket":"…","user":"alice"}`: a phone scanning a scene QR
/// code. The answer carries the push WeChat sends (WECHAT.md §5.3: `subscribe` with
/// `EventKey` = `qrscene_SCENE` for a new follower, `SCAN` with `SCENE` for an existing one);
/// when the Official Account has a server URL and token (``SimulatedApp/serverURL``), the push is
/// also delivered there in plain mode, signed as WeChat signs it
/// (`signature == hex(sha1(sorted([token, timestamp, nonce]).joined()))`), and the answer says
/// what the server replied. `"deliver": false` only returns the push.
extension WeChatSimulator {
    private struct ScanRequest: Decodable {
        var ticket: String
        var user: String
        var deliver: Bool?
    }

    private struct ScanOutcome: Encodable {
        var ok = true
        var event: String
        var openid: String
        var xml: String
        /// Whether the push was sent to the server URL; then its HTTP status and body.
        var delivered: Bool
        var status: Int?
        var reply: String?
    }

    private struct Refusal: Encodable {
        var ok = false
        var error: String
    }

    func scanAndDeliver(_ request: Request) async -> Response {
        var request = request
        guard let buffer = try? await request.collectBody(upTo: Self.maxFormBytes),
              let body = try? JSONDecoder().decode(ScanRequest.self, from: Data(buffer.readableBytesView))
        else {
            return SimulatorResponse.control(.badRequest, Refusal(error: "expected {\"ticket\":\"…\",\"user\":\"…\"}"))
        }
        let appID = state.withLock { $0.sceneTickets[body.ticket]?.appID }
        guard let scan = scan(ticket: body.ticket, userID: body.user) else {
            return SimulatorResponse.control(.badRequest, Refusal(error: "unknown or expired ticket, or unknown user"))
        }
        var outcome = ScanOutcome(event: scan.event, openid: scan.openID, xml: scan.xml, delivered: false)
        if body.deliver != false, let app = appID.flatMap({ appsByID[$0] }), let url = app.serverURL, let token = app.serverToken {
            do {
                let (status, reply) = try await deliver(scan.xml, to: url, token: token)
                outcome.delivered = true
                outcome.status = status
                outcome.reply = reply
            } catch {
                return SimulatorResponse.control(.badGateway, Refusal(error: "the push could not be delivered to \(url): \(error)"))
            }
        }
        return SimulatorResponse.control(.ok, outcome)
    }

    /// POSTs `xml` to `url` with `signature`, `timestamp` and `nonce`, as WeChat does (5 s).
    private func deliver(_ xml: String, to url: String, token: String) async throws -> (Int, String) {
        let timestamp = String(Int(clock.now.timeIntervalSince1970))
        let nonce = String(UInt32.random(in: 100_000_000...UInt32.max))
        let signature = Self.pushSignature([token, timestamp, nonce])
        let separator = url.contains("?") ? "&" : "?"
        var push = HTTPClientRequest(url: url + separator + "signature=\(signature)&timestamp=\(timestamp)&nonce=\(nonce)")
        push.method = .POST
        push.headers.add(name: "Content-Type", value: "text/xml")
        push.body = .bytes(ByteBuffer(string: xml))
        let response = try await HTTPClient.shared.execute(push, timeout: .seconds(5))
        let reply = try await response.body.collect(upTo: 64 * 1024)
        return (Int(response.status.code), String(buffer: reply))
    }

    /// `hex(sha1(sorted(parts).joined()))`, byte-wise order (WECHAT.md §5.3).
    static func pushSignature(_ parts: [String]) -> String {
        let joined = parts.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }.joined()
        return Insecure.SHA1.hash(data: Array(joined.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
