import Foundation
import Hummingbird

/// Builders for the simulator's answers, shaped like WeChat's.
enum SimulatorResponse {
    /// WECHAT.md §4: "WeChat answers HTTP 200 even on error, with `{"errcode":N,"errmsg":"..."}`,
    /// often with `Content-Type: text/plain`".
    static func json(_ value: some Encodable) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data(#"{"errcode":-1,"errmsg":"system error"}"#.utf8)
        return Response(
            status: .ok,
            headers: [.contentType: "text/plain"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data))
        )
    }

    /// `{"errcode":N,"errmsg":"<message>, rid: <random>"}` — WeChat appends a request id.
    static func error(_ errcode: Int) -> Response {
        json(ErrorBody(errcode: errcode, errmsg: "\(message(for: errcode)), rid: \(SimulatorIdentity.randomRID())"))
    }

    /// `{"errcode":0,"errmsg":"ok"}` (WECHAT.md §4, `/sns/auth`).
    static func ok() -> Response {
        json(ErrorBody(errcode: 0, errmsg: "ok"))
    }

    /// A 200 whose body is not JSON (an HTML gateway page).
    static func malformed() -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "text/plain"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: "<html><body>502 Bad Gateway</body></html>"))
        )
    }

    /// WECHAT.md §4: "some failures even return an empty `text/html` body".
    static func empty() -> Response {
        Response(status: .ok, headers: [.contentType: "text/html"], body: ResponseBody())
    }

    static func html(_ page: String) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: page))
        )
    }

    static func redirect(to location: String) -> Response {
        Response(status: .found, headers: [.location: location, .cacheControl: "no-store"])
    }

    /// Answers of the `/_simulator/…` control endpoints (real JSON, real status codes).
    static func control(_ status: HTTPResponse.Status, _ value: some Encodable) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Response(
            status: status,
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data))
        )
    }

    struct ErrorBody: Encodable {
        var errcode: Int
        var errmsg: String
    }

    static func message(for errcode: Int) -> String {
        switch errcode {
        case -1: "system error"
        case 40002: "invalid grant_type"
        case 40003: "invalid openid"
        case 40013: "invalid appid"
        case 40014: "invalid access_token"
        case 40029: "invalid code"
        case 40030: "invalid refresh_token"
        case 40125: "invalid appsecret"
        case 40163: "code been used"
        case 41001: "access_token missing"
        case 41002: "appid missing"
        case 41003: "refresh_token missing"
        case 41004: "appsecret missing"
        case 41008: "missing code"
        case 41009: "missing openid"
        case 42001: "access_token expired"
        case 42002: "refresh_token expired"
        case 42003: "code expired"
        case 45009: "reach max api daily quota limit"
        case 45011: "api minute-quota reach limit"
        case 48001: "api unauthorized"
        case 50001: "user unauthorized"
        default: "simulated error"
        }
    }
}
