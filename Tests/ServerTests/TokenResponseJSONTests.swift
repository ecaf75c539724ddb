import Foundation
@testable import Server
import Testing

@Suite("Token response JSON")
struct TokenResponseJSONTests {
    @Test("written directly, byte for byte what JSONEncoder (sorted keys, unescaped slashes) gives")
    func sameBytes() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        for scope in ["openid profile", "openid", "a/b \"c\" \\ 中文"] {
            for refreshToken in [nil, "rt-_456"] {
                for issuedTokenType in [nil, "urn:ietf:params:oauth:token-type:access_token"] {
                    let response = TokenResponse(
                        accessToken: "tok-_123", tokenType: "Bearer", expiresIn: 3600, idToken: "eyJ.eyJ.sig",
                        refreshToken: refreshToken, scope: scope, issuedTokenType: issuedTokenType
                    )
                    #expect(response.jsonBytes == Array(try encoder.encode(response)))
                }
            }
        }
    }

    @Test("every member of TokenResponse is written (update TokenResponse.jsonBytes when one is added)")
    func everyMember() {
        let response = TokenResponse(accessToken: "a", tokenType: "Bearer", expiresIn: 1, idToken: "i", refreshToken: nil, scope: "s")
        #expect(Mirror(reflecting: response).children.count == 7)
    }

    @Test("HTTPHelpers.json takes the direct path for the token response")
    func helperPicksDirectPath() {
        let response: any Encodable = TokenResponse(accessToken: "a", tokenType: "Bearer", expiresIn: 1, idToken: "i", refreshToken: nil, scope: "s")
        #expect(response is any DirectJSONEncodable)
        #expect(!((["error": "x"] as any Encodable) is any DirectJSONEncodable))
    }
}

@Suite("Form content type")
struct FormContentTypeTests {
    @Test("application/x-www-form-urlencoded in any case, with parameters and spaces; nothing else")
    func contentType() {
        for accepted in ["application/x-www-form-urlencoded", "Application/X-WWW-Form-URLEncoded", " application/x-www-form-urlencoded ;charset=UTF-8", "application/x-www-form-urlencoded\t; x=y"] {
            #expect(HTTPHelpers.isFormURLEncoded(accepted), "\(accepted)")
        }
        for refused in ["", "application/json", "application/x-www-form-urlencodedx", "application/x-www-form-urlencode", "multipart/form-data", "application/x-www-form-urlencoded-x; a=b", "text/plain; application/x-www-form-urlencoded"] {
            #expect(!HTTPHelpers.isFormURLEncoded(refused), "\(refused)")
        }
    }
}
