import Foundation
import Testing
@testable import OIDC

@Suite("Client authentication (RFC 6749 §2.3.1)")
struct ClientCredentialsTests {
    func basic(_ id: String, _ secret: String) -> String {
        "Basic " + Data("\(FormEncoding.encode(id)):\(FormEncoding.encode(secret))".utf8).base64EncodedString()
    }

    @Test("client_secret_basic: id and secret are form-urlencoded before base64")
    func basicEncoded() throws {
        let secret = "a b:c%d+é"
        let client = ClientDescription(id: "id:1", name: "x", redirectURIs: [], authMethod: .clientSecretBasic, secretHash: SecretHash.sha256(secret))
        let credentials = try ClientCredentials.extract(authorizationHeader: basic("id:1", secret), form: [:]).get()
        #expect(credentials == ClientCredentials(clientID: "id:1", secret: secret, method: .basic))
        #expect(try credentials.authenticate(against: client).get() == client)
    }

    @Test("client_secret_post works; a wrong secret → invalid_client")
    func post() throws {
        let good = try ClientCredentials.extract(authorizationHeader: nil, form: ["client_id": "client-a", "client_secret": TestClients.secret]).get()
        #expect(try good.authenticate(against: TestClients.confidential).get().id == "client-a")
        let bad = try ClientCredentials.extract(authorizationHeader: nil, form: ["client_id": "client-a", "client_secret": "nope"]).get()
        #expect(bad.authenticate(against: TestClients.confidential) == .failure(.invalidClient("client authentication failed")))
    }

    @Test("two methods at once → invalid_request")
    func twoMethods() {
        #expect(ClientCredentials.extract(authorizationHeader: basic("client-a", "x"), form: ["client_secret": "y"])
            == .failure(.invalidRequest("more than one client authentication method")))
    }

    @Test("confidential client without a secret, public client with one → invalid_client")
    func mismatchedKinds() throws {
        let none = try ClientCredentials.extract(authorizationHeader: nil, form: ["client_id": "client-a"]).get()
        #expect(none.authenticate(against: TestClients.confidential) == .failure(.invalidClient("client authentication failed")))
        let withSecret = try ClientCredentials.extract(authorizationHeader: nil, form: ["client_id": "client-p", "client_secret": "x"]).get()
        #expect(withSecret.authenticate(against: TestClients.publicClient) == .failure(.invalidClient("client authentication failed")))
        let publicNone = try ClientCredentials.extract(authorizationHeader: nil, form: ["client_id": "client-p"]).get()
        #expect(try publicNone.authenticate(against: TestClients.publicClient).get().id == "client-p")
    }

    @Test("malformed Basic header, unknown client, no credentials → invalid_client")
    func malformed() throws {
        #expect(ClientCredentials.extract(authorizationHeader: "Basic !!!", form: [:]) == .failure(.invalidClient("malformed HTTP Basic credentials")))
        #expect(ClientCredentials.extract(authorizationHeader: "Bearer x", form: [:]) == .failure(.invalidClient("unsupported Authorization scheme")))
        #expect(ClientCredentials.extract(authorizationHeader: nil, form: [:]) == .failure(.invalidClient("client authentication is required")))
        let unknown = try ClientCredentials.extract(authorizationHeader: nil, form: ["client_id": "ghost", "client_secret": "x"]).get()
        #expect(unknown.authenticate(against: nil) == .failure(.invalidClient("client authentication failed")))
    }

    @Test("RFC 7617 §2 / RFC 7235 §2.1: the Basic scheme is case-insensitive, blanks around the credentials are ignored, anything else is refused")
    func basicHeaderShapes() throws {
        let token = Data("client-a:s3cret".utf8).base64EncodedString()
        let expected = ClientCredentials(clientID: "client-a", secret: "s3cret", method: .basic)
        for header in ["Basic \(token)", "bAsIc \(token)", "BASIC   \(token)", "Basic \t\(token) \t"] {
            #expect(try ClientCredentials.extract(authorizationHeader: header, form: [:]).get() == expected, "\(header)")
        }
        let malformed = Result<ClientCredentials, OAuthError>.failure(.invalidClient("malformed HTTP Basic credentials"))
        let unsupported = Result<ClientCredentials, OAuthError>.failure(.invalidClient("unsupported Authorization scheme"))
        // Nothing but blanks after the scheme, no colon, an empty id, bytes that are not UTF-8.
        #expect(ClientCredentials.extract(authorizationHeader: "Basic    ", form: [:]) == malformed)
        #expect(ClientCredentials.extract(authorizationHeader: "Basic " + Data("no-colon".utf8).base64EncodedString(), form: [:]) == malformed)
        #expect(ClientCredentials.extract(authorizationHeader: "Basic " + Data(":secret".utf8).base64EncodedString(), form: [:]) == malformed)
        #expect(ClientCredentials.extract(authorizationHeader: "Basic " + Data([0xff, 0x3a, 0xfe]).base64EncodedString(), form: [:]) == malformed)
        #expect(ClientCredentials.extract(authorizationHeader: "Basic " + Data("id:%zz".utf8).base64EncodedString(), form: [:]) == malformed)
        // The scheme must be followed by a space; other schemes, and a bare scheme, are not Basic.
        for header in ["Basic", "Basic ", "Basic\t\(token)", "Basicx \(token)", "Bearer \(token)", "Básic \(token)", ""] {
            #expect(ClientCredentials.extract(authorizationHeader: header, form: [:]) == unsupported, "\(header)")
        }
    }
}
