import Foundation
import OIDC
import Storage
import Testing

/// Records and times shared by the checks. Times are whole seconds (plus one with milliseconds),
/// far from "now", so nothing depends on the wall clock.
enum Fixtures {
    static let t0 = Date(timeIntervalSince1970: 1_750_000_000)

    static func at(_ seconds: TimeInterval) -> Date { t0.addingTimeInterval(seconds) }

    /// A 32-byte hash whose bytes include 0x00 and 0xff, distinct per label.
    static func hash(_ label: String) -> Data {
        var data = Data([0x00, 0xff, 0x0f, 0xf0])
        data.append(contentsOf: label.utf8)
        while data.count < 32 { data.append(0xab) }
        return data
    }

    static func client(_ id: String = "client-1", createdAt: Date = t0) -> ClientRecord {
        ClientRecord(
            id: id, name: "Client \(id) — 测试", secretHash: hash("secret-\(id)"),
            redirectURIs: ["https://rp.example/cb", "http://localhost:8080/a b?x=1"],
            authMethod: .clientSecretBasic,
            metadata: ClientMetadata(
                logoURI: "https://rp.example/logo.png", jwks: #"{"keys":[]}"#, subjectType: "pairwise",
                sectorIdentifier: "rp.example", postLogoutRedirectURIs: ["https://rp.example/bye"],
                backchannelLogoutURI: "https://rp.example/bcl", registeredBy: "dynamic"
            ),
            registrationTokenHash: hash("rat-\(id)"),
            createdAt: createdAt, updatedAt: createdAt
        )
    }

    /// Creates the client and a user that codes, tokens and sessions refer to.
    static func seed(_ stores: Stores, client: String = "client-1", user: String = "user-1") async throws {
        if try await stores.clients.find(id: client) == nil {
            try await stores.clients.create(Self.client(client))
        }
        _ = try await stores.users.findOrCreate(
            identities: [.openID("openid-\(user)", appID: "wx-seed")], profile: ProfileUpdate(),
            newUserID: user, now: t0
        )
    }

    static func pending(_ state: String, expiresAt: Date = at(600)) -> PendingAuthorization {
        PendingAuthorization(
            upstreamState: state, browserBindingHash: hash("binding-\(state)"), clientID: "client-1",
            redirectURI: "https://rp.example/cb", scopes: ["openid", "profile"], state: "rp-state/=+",
            nonce: "n-0S6_WzA2Mj", codeChallenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            codeChallengeMethod: "S256", responseMode: "form_post", door: "website",
            extras: ["prompt": "login", "max_age": "300"], createdAt: t0, expiresAt: expiresAt
        )
    }

    static func code(_ label: String, grant: String = "grant-1", expiresAt: Date = at(60)) -> AuthorizationCodeRecord {
        AuthorizationCodeRecord(
            codeHash: hash("code-\(label)"), grantID: grant, clientID: "client-1",
            redirectURI: "https://rp.example/cb", userID: "user-1", scopes: ["openid", "profile"],
            nonce: "nonce-\(label)", codeChallenge: "challenge", codeChallengeMethod: "S256",
            authTime: Date(timeIntervalSince1970: 1_749_999_990.123), amr: ["wechat", "qr"], sessionID: "sess-1",
            acr: "urn:wechat-oidc:acr:wechat", claims: #"{"id_token":{"auth_time":{"essential":true}}}"#,
            createdAt: t0, expiresAt: expiresAt
        )
    }

    static func token(_ label: String, grant: String = "grant-1", expiresAt: Date = at(3_600)) -> AccessTokenRecord {
        AccessTokenRecord(
            tokenHash: hash("token-\(label)"), grantID: grant, clientID: "client-1", userID: "user-1",
            scopes: ["openid"], claims: #"{"userinfo":{"picture":null}}"#, createdAt: t0, expiresAt: expiresAt
        )
    }

    static func session(_ id: String, expiresAt: Date = at(86_400)) -> BrowserSessionRecord {
        BrowserSessionRecord(
            id: id, cookieHash: hash("cookie-\(id)"), userID: "user-1", authTime: t0, amr: ["wechat"],
            createdAt: t0, expiresAt: expiresAt
        )
    }

    static func refreshToken(
        _ label: String, family: String = "grant-1", expiresAt: Date = at(3_600), familyExpiresAt: Date = at(86_400)
    ) -> RefreshTokenRecord {
        RefreshTokenRecord(
            tokenHash: hash("refresh-\(label)"), familyID: family, clientID: "client-1", userID: "user-1",
            scopes: ["openid", "offline_access"], authTime: Date(timeIntervalSince1970: 1_749_999_990.5),
            amr: ["wechat_qr"], acr: "urn:wechat-oidc:acr:wechat", sessionID: "sess-1",
            claims: #"{"userinfo":{"nickname":{"essential":true}}}"#, createdAt: t0, expiresAt: expiresAt,
            familyExpiresAt: familyExpiresAt
        )
    }

    static func signingKey(_ kid: String, state: SigningKeyRecord.State = .next, createdAt: Date = t0) -> SigningKeyRecord {
        SigningKeyRecord(kid: kid, algorithm: "RS256", state: state, fileName: "\(kid).pem", createdAt: createdAt)
    }

    /// The `StorageError` thrown by `body`, recording an issue when it throws something else or nothing.
    static func storageError(
        _ body: () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation
    ) async -> StorageError? {
        do {
            try await body()
            Issue.record("expected a StorageError, nothing was thrown", sourceLocation: sourceLocation)
            return nil
        } catch let error as StorageError {
            return error
        } catch {
            Issue.record("expected a StorageError, got \(error)", sourceLocation: sourceLocation)
            return nil
        }
    }
}
