import Foundation
import HTTPTypes
import Hummingbird
import OIDC

/// Small builders for the responses every endpoint sends.
enum HTTPHelpers {
    static let noStore: [(HTTPField.Name, String)] = [(.cacheControl, "no-store"), (HTTPField.Name("Pragma")!, "no-cache")]

    /// A JSON body from precomputed bytes.
    static func json(_ bytes: [UInt8], status: HTTPResponse.Status = .ok, noStore: Bool = false, extraHeaders: [(HTTPField.Name, String)] = []) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        if noStore { for (name, value) in Self.noStore { headers[name] = value } }
        for (name, value) in extraHeaders { headers[name] = value }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// A JSON body with sorted keys and unescaped slashes. Values that write their own JSON
    /// (`DirectJSONEncodable`, the token response) skip `JSONEncoder`.
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok, noStore: Bool = false, extraHeaders: [(HTTPField.Name, String)] = []) -> Response {
        let bytes: [UInt8]
        if let direct = value as? any DirectJSONEncodable {
            bytes = direct.jsonBytes
        } else {
            bytes = (try? encoder.encode(value)).map(Array.init) ?? Array(#"{"error":"server_error"}"#.utf8)
        }
        return json(bytes, status: status, noStore: noStore, extraHeaders: extraHeaders)
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return encoder
    }()

    /// RFC 6749 §5.2 error response.
    static func oauthError(_ error: OAuthError, extraHeaders: [(HTTPField.Name, String)] = []) -> Response {
        var body = ["error": error.error]
        if let description = error.errorDescription { body["error_description"] = description }
        return json(body, status: HTTPResponse.Status(code: error.httpStatus), noStore: true, extraHeaders: extraHeaders)
    }

    /// A 303 to `location` (RFC 9110 §15.4.4), never cached.
    static func redirect(to location: String, cookies: [Cookie] = []) -> Response {
        var response = Response(status: .seeOther)
        response.headers[.location] = location
        response.headers[.cacheControl] = "no-store"
        for cookie in cookies { response.setCookie(cookie) }
        return response
    }

    /// The parameters of the query string, decoded; `nil` when malformed.
    static func queryParameters(_ request: Request) -> [(name: String, value: String)]? {
        FormEncoding.parse(request.uri.query ?? "")
    }

    /// Reads an `application/x-www-form-urlencoded` body up to `limit` bytes.
    /// Throws `HTTPError(.contentTooLarge)` (413) beyond it; returns `nil` for another content
    /// type or a malformed body.
    static func formParameters(_ request: inout Request, limit: Int) async throws -> [(name: String, value: String)]? {
        guard let type = request.headers[.contentType], isFormURLEncoded(type) else { return nil }
        let buffer = try await request.collectBody(upTo: limit)
        guard let text = buffer.getString(at: buffer.readerIndex, length: buffer.readableBytes) else { return nil }
        return FormEncoding.parse(text)
    }

    /// The body of a client's POST to an OAuth endpoint (RFC 6749 §3.2, RFC 7009 §2.1, RFC 7662
    /// §2.1, RFC 9126 §2.1): `application/x-www-form-urlencoded` up to `limit` bytes, each
    /// parameter once ("Request and response parameters MUST NOT be included more than once",
    /// RFC 6749 §3.1). Otherwise the `invalid_request` to answer.
    static func singleValuedForm(_ request: inout Request, limit: Int) async throws -> Result<[String: String], OAuthError> {
        guard let parameters = try await formParameters(&request, limit: limit) else {
            return .failure(.invalidRequest("the body must be application/x-www-form-urlencoded"))
        }
        let (form, repeated) = dictionary(parameters)
        if let name = repeated.sorted().first {
            return .failure(.invalidRequest("parameter \(name) was sent more than once"))
        }
        return .success(form)
    }

    /// Whether a `Content-Type` value names `application/x-www-form-urlencoded` (case-insensitive,
    /// parameters and surrounding spaces or tabs ignored), compared on bytes without Foundation.
    static func isFormURLEncoded(_ contentType: String) -> Bool {
        let expected = "application/x-www-form-urlencoded".utf8
        var mediaType = contentType.utf8.prefix { $0 != UInt8(ascii: ";") }[...]
        while let first = mediaType.first, first == 0x20 || first == 0x09 { mediaType = mediaType.dropFirst() }
        while let last = mediaType.last, last == 0x20 || last == 0x09 { mediaType = mediaType.dropLast() }
        guard mediaType.count == expected.count else { return false }
        // The expected text is lowercase: an uppercase ASCII letter matches its lowercase form.
        return zip(mediaType, expected).allSatisfy { byte, wanted in
            byte == wanted || (byte >= 0x41 && byte <= 0x5A && byte | 0x20 == wanted)
        }
    }

    /// Last-wins dictionary of parameters, plus the names that repeat.
    static func dictionary(_ parameters: [(name: String, value: String)]) -> (values: [String: String], repeated: Set<String>) {
        var values: [String: String] = [:]
        var repeated = Set<String>()
        for (name, value) in parameters {
            if values[name] != nil { repeated.insert(name) }
            values[name] = value
        }
        return (values, repeated)
    }
}
