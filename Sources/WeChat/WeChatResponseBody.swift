import Foundation

/// Reads a WeChat JSON API body, whatever its `Content-Type`.
///
/// WECHAT.md §4: "Always parse the body as JSON whatever the content type, branch on `errcode`,
/// and never match `errmsg` exactly … A success body has no `errcode` (or `errcode: 0`)."
/// "some failures even return an empty `text/html` body" — that is a malformed response.
enum WeChatResponseBody {
    /// Largest body read; anything bigger is a malformed response.
    static let maxBytes = 64 * 1024

    private struct Envelope: Decodable {
        var errcode: Int?
        var errmsg: String?

        enum CodingKeys: String, CodingKey { case errcode, errmsg }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            if container.contains(.errcode), try !container.decodeNil(forKey: .errcode) {
                errcode = try container.decodeLenientInt(forKey: .errcode)
            } else {
                errcode = nil
            }
            errmsg = try? container.decodeIfPresent(String.self, forKey: .errmsg)
        }
    }

    /// Checks the envelope, then decodes `T`.
    static func decode<T: Decodable>(_ type: T.Type, from body: [UInt8]) throws(WeChatError) -> T {
        try checkErrcode(body)
        do {
            return try JSONDecoder().decode(T.self, from: Data(body))
        } catch {
            throw .malformedResponse("success body without the expected fields")
        }
    }

    /// Throws the errcode of an error body, or a malformed-response error if the body is not a
    /// JSON object. Returns normally for a success body.
    static func checkErrcode(_ body: [UInt8]) throws(WeChatError) {
        guard !body.isEmpty else { throw .malformedResponse("empty body") }
        let envelope: Envelope
        do {
            envelope = try JSONDecoder().decode(Envelope.self, from: Data(body))
        } catch {
            throw .malformedResponse("body is not a JSON object")
        }
        if let errcode = envelope.errcode, errcode != 0 {
            throw .errcode(errcode, errmsg: envelope.errmsg)
        }
    }
}
