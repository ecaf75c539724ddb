import Foundation
import Logging
import OIDC
@testable import Server
import Storage
import Testing

/// Key rotation without downtime: pre-publication, promotion by the running servers, retirement,
/// replicas on one database, races; and per-algorithm signing keys.
@Suite("Key rotation and signing algorithms", .serialized)
struct KeyRotationTests {
    static let hour: TimeInterval = 3600

    /// A manager over a fresh SQLite file and keys directory, with a manual clock.
    static func withManager(_ body: @Sendable (SigningKeyManager, ManualProviderClock) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wechat-oidc-keys-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let stores = try await SQLStores.open(databaseURL: directory + "/keys.sqlite", logger: KeyRotationCluster.logger)
        let clock = ManualProviderClock()
        do {
            try await body(SigningKeyManager(store: stores.signingKeys, directory: directory + "/keys", clock: clock), clock)
        } catch {
            try? await stores.shutdown()
            throw error
        }
        try await stores.shutdown()
    }

    static func claims() -> IDTokenClaims {
        IDTokenClaims(iss: "https://op", sub: "u", aud: "c", exp: 2, iat: 1, authTime: 1, nonce: nil, atHash: nil, amr: nil)
    }

    static func kid(of token: String) throws -> String? {
        let data = try #require(Data(base64URLEncoded: token.split(separator: ".")[0]))
        return (try JSONSerialization.jsonObject(with: data) as? [String: String])?["kid"]
    }

    @Test("rotate publishes the new key at once; the old key signs until the delay has passed; then the new one; the old stays published until retired")
    func prepublication() async throws {
        try await Self.withManager { manager, clock in
            try await manager.ensureActiveKey(logger: KeyRotationCluster.logger)
            let old = try #require(try await manager.store.list().first)
            let holder = KeySetHolder(try await manager.loadKeys(), version: try await manager.store.version())

            clock.advance(seconds: 1)  // lists are oldest first
            let new = try await manager.rotate(algorithm: .rs256, activation: .after(Self.hour))
            #expect(new.state == .next)
            // Kept to the millisecond.
            #expect(abs((new.activatesAt ?? .distantPast).timeIntervalSince(clock.now().addingTimeInterval(Self.hour))) < 0.001)
            try await holder.refresh(manager: manager, logger: nil)
            #expect(Set(holder.current.published.map(\.kid)) == [old.kid, new.kid])
            #expect(try Self.kid(of: holder.current.sign(Self.claims())) == old.kid)

            clock.advance(seconds: Self.hour - 1)
            try await holder.refresh(manager: manager, logger: nil)
            #expect(try Self.kid(of: holder.current.sign(Self.claims())) == old.kid)
            #expect(try await manager.store.list().map(\.state) == [.active, .next])

            clock.advance(seconds: 1)
            try await holder.refresh(manager: manager, logger: nil)
            #expect(try Self.kid(of: holder.current.sign(Self.claims())) == new.kid)
            let keys = try await manager.store.list()
            #expect(keys.map(\.state) == [.previous, .active])
            #expect(abs((keys[1].activatedAt ?? .distantPast).timeIntervalSince(clock.now())) < 0.001)
            #expect(Set(holder.current.published.map(\.kid)) == [old.kid, new.kid])

            // The active key cannot be retired, and the refusal says why.
            let refusal = await #expect(throws: SigningKeyManager.Refusal.self) { try await manager.retire(kid: new.kid) }
            #expect(refusal?.description.contains("active RS256 key") == true)
            #expect(refusal?.description.contains("keys rotate") == true)

            try await manager.retire(kid: old.kid)
            try await holder.refresh(manager: manager, logger: nil)
            #expect(holder.current.published.map(\.kid) == [new.kid])
        }
    }

    @Test("a second scheduled rotation is refused; --now overrides it; activate and retire of a scheduled key cancel its schedule")
    func rotationRules() async throws {
        try await Self.withManager { manager, clock in
            // Nothing to rotate before a key of the algorithm signs.
            await #expect(throws: SigningKeyManager.Refusal.self) { try await manager.rotate(algorithm: .rs256, activation: .after(60)) }
            try await manager.ensureActiveKey(logger: KeyRotationCluster.logger)
            await #expect(throws: SigningKeyManager.Refusal.self) { try await manager.rotate(algorithm: .es256, activation: .after(60)) }

            let pending = try await manager.rotate(algorithm: .rs256, activation: .after(Self.hour))
            let again = await #expect(throws: SigningKeyManager.Refusal.self) { try await manager.rotate(algorithm: .rs256, activation: .after(Self.hour)) }
            #expect(again?.description.contains(pending.kid) == true)

            // An emergency rotation wins: the pending key loses its schedule and never signs by itself.
            let emergency = try await manager.rotate(algorithm: .rs256, activation: .immediately)
            #expect(emergency.state == .active)
            clock.advance(seconds: 2 * Self.hour)
            #expect(try await manager.promoteDueKeys().isEmpty)
            let afterEmergency = try await manager.store.list()
            #expect(afterEmergency.first { $0.kid == pending.kid }?.state == .next)
            #expect(afterEmergency.first { $0.kid == pending.kid }?.activatesAt == nil)

            // `keys activate` of a published key; of an unknown or retired key: refused.
            let back = try await manager.activate(kid: pending.kid)
            #expect(back.state == .active)
            await #expect(throws: SigningKeyManager.Refusal.self) { try await manager.activate(kid: "nope") }
            try await manager.retire(kid: emergency.kid)
            await #expect(throws: SigningKeyManager.Refusal.self) { try await manager.activate(kid: emergency.kid) }

            // Retiring a scheduled key cancels the rotation.
            let scheduled = try await manager.rotate(algorithm: .rs256, activation: .after(60))
            try await manager.retire(kid: scheduled.kid)
            clock.advance(seconds: 120)
            #expect(try await manager.promoteDueKeys().isEmpty)
            #expect(try await manager.store.list().first { $0.state == .active }?.kid == pending.kid)
        }
    }

    @Test("a key that became due while no server ran is promoted at start-up")
    func promotedAtStart() async throws {
        try await Self.withManager { manager, clock in
            try await manager.ensureActiveKey(logger: KeyRotationCluster.logger)
            let new = try await manager.rotate(algorithm: .rs256, activation: .after(60))
            clock.advance(seconds: 61)
            try await manager.ensureActiveKey(logger: KeyRotationCluster.logger)
            #expect(try await manager.loadKeySet().active.kid == new.kid)
        }
    }

    @Test("race: many promoters on separate connections to one database at once activate exactly one key")
    func promotionRace() async throws {
        try await KeyRotationCluster.run(servers: 1, keyRefreshInterval: 3600) { cluster in
            // Four "replicas", each on its own connection, each promoting twice at once.
            try await cluster.withAdminManagers(4) { managers in
                for round in 0..<3 {
                    let new = try await managers[0].rotate(algorithm: .rs256, activation: .after(60))
                    cluster.clock.advance(seconds: 61)
                    let promoted = try await withThrowingTaskGroup(of: Int.self) { group in
                        for manager in managers {
                            group.addTask {
                                async let first = manager.promoteDueKeys()
                                async let second = manager.promoteDueKeys()
                                return try await first.count + second.count
                            }
                        }
                        return try await group.reduce(0, +)
                    }
                    #expect(promoted == 1, "round \(round)")
                    let keys = try await cluster.servers[0].stores.signingKeys.list()
                    #expect(keys.filter { $0.state == .active }.map(\.kid) == [new.kid], "round \(round)")
                    #expect(keys.filter { $0.state == .previous }.count == round + 1)
                }
            }
        }
    }

    @Test("replicas on one database: a rotation by another process reaches both servers; either promotes; both follow")
    func replicas() async throws {
        try await KeyRotationCluster.run(servers: 2) { cluster in
            let (a, b) = (cluster.servers[0], cluster.servers[1])
            let old = try #require(try await a.jwks().keys.first)
            #expect(try await b.jwks().keys.sorted() == [old])
            let rpA = try await a.registerClient()
            let rpB = try await b.registerClient()

            // `keys rotate` from another process (its own connection), an hour of pre-publication.
            let new = try await cluster.withAdminManager { manager in
                try await manager.rotate(algorithm: .rs256, activation: .after(Self.hour))
            }
            for (server, rp) in [(a, rpA), (b, rpB)] {
                #expect(try await eventually { try await server.jwks().keys.count == 2 }, "\(server.issuer) publishes the new key")
                #expect(try await server.signedIDTokenHeader(rp)["kid"] == old, "the old key still signs")
            }
            let modulusOld = try await a.jwks()[old]?["n"]
            let modulusNew = try await a.jwks()[new.kid]?["n"]
            #expect(modulusOld != nil && modulusNew != nil && modulusOld != modulusNew)

            cluster.clock.advance(seconds: Self.hour)
            for (server, rp) in [(a, rpA), (b, rpB)] {
                #expect(try await eventually { try await server.signingKidFromJWKS() == new.kid }, "\(server.issuer) switched")
                #expect(try await server.signedIDTokenHeader(rp)["kid"] == new.kid, "\(server.issuer) signs with the new key")
                #expect(Set(try await server.jwks().keys) == [old, new.kid], "the old key stays published")
            }
            let states = Dictionary(uniqueKeysWithValues: try await a.stores.signingKeys.list().map { ($0.kid, $0.state) })
            #expect(states == [old: .previous, new.kid: .active])

            try await cluster.withAdminManager { manager in try await manager.retire(kid: old) }
            for server in [a, b] {
                #expect(try await eventually { try await server.jwks().keys.sorted() == [new.kid] }, "\(server.issuer) drops the retired key")
            }
        }
    }

    @Test("ES256 and PS256 keys: discovery lists exactly the algorithms with an active key; clients get tokens in the algorithm they registered")
    func algorithms() async throws {
        try await KeyRotationCluster.run(servers: 1) { cluster in
            let server = cluster.servers[0]
            #expect(try await server.idTokenAlgorithms() == ["RS256"])
            // A published key that does not sign is not an algorithm the provider offers.
            let es256 = try await cluster.withAdminManager { manager in try await manager.generate(algorithm: .es256) }
            #expect(try await eventually { try await server.jwks()[es256.kid]?["kty"] == "EC" })
            #expect(try await server.idTokenAlgorithms() == ["RS256"])

            _ = try await cluster.withAdminManager { manager in try await manager.activate(kid: es256.kid) }
            let ps256 = try await cluster.withAdminManager { manager in try await manager.generate(algorithm: .ps256, activate: true) }
            #expect(try await eventually { try await server.idTokenAlgorithms() == ["RS256", "PS256", "ES256"] })
            let jwks = try await server.jwks()
            #expect(jwks[es256.kid]?["crv"] == "P-256")
            #expect(jwks[ps256.kid]?["alg"] == "PS256")
            #expect(jwks[ps256.kid]?["kty"] == "RSA")

            let rs256Key = try await server.stores.signingKeys.list().first { $0.algorithm == "RS256" && $0.state == .active }
            for (alg, kid) in [("ES256", es256.kid), ("PS256", ps256.kid), ("RS256", rs256Key?.kid ?? "")] {
                let rp = try await server.registerClient(idTokenSignedResponseAlg: alg)
                let header = try await server.signedIDTokenHeader(rp)
                #expect(header["alg"] == alg)
                #expect(header["kid"] == kid)
            }
            // A client without a registered algorithm gets RS256.
            #expect(try await server.signedIDTokenHeader(try await server.registerClient())["alg"] == "RS256")

            // Rotating ES256 pre-publishes too; retiring the old ES256 key leaves ES256 offered.
            let nextEC = try await cluster.withAdminManager { manager in
                try await manager.rotate(algorithm: .es256, activation: .after(Self.hour))
            }
            cluster.clock.advance(seconds: Self.hour)
            #expect(try await eventually {
                try await server.stores.signingKeys.list().first { $0.kid == nextEC.kid }?.state == .active
            })
            try await cluster.withAdminManager { manager in try await manager.retire(kid: es256.kid) }
            #expect(try await eventually { try await server.jwks()[es256.kid] == nil })
            #expect(try await server.idTokenAlgorithms() == ["RS256", "PS256", "ES256"])
            // The RS256 key was never touched by the ES256 rotation.
            #expect(try await server.stores.signingKeys.list().first { $0.algorithm == "RS256" && $0.state == .active }?.kid == rs256Key?.kid)
        }
    }

    @Test("keys.prepublication / WECHAT_OIDC_KEYS_PREPUBLICATION_SECONDS: default one hour, validated, one value")
    func prepublicationSetting() async throws {
        func load(_ environment: [String: String]) async throws -> Int {
            try await SettingsLoader.keys(.init(configFile: nil, environment: environment)).prepublication
        }
        #expect(try await load([:]) == 3600)
        #expect(try await load(["WECHAT_OIDC_KEYS_PREPUBLICATION_SECONDS": "86400"]) == 86400)
        #expect(try await load(["WECHAT_OIDC_KEYS_PREPUBLICATION": "600"]) == 600)
        #expect(try await load(["WECHAT_OIDC_KEYS_PREPUBLICATION_SECONDS": "0"]) == 0)
        await #expect(throws: SettingsError.self) { try await load(["WECHAT_OIDC_KEYS_PREPUBLICATION_SECONDS": "-1"]) }
        await #expect(throws: SettingsError.self) { try await load(["WECHAT_OIDC_KEYS_PREPUBLICATION_SECONDS": "soon"]) }
        await #expect(throws: SettingsError.self) { try await load(["WECHAT_OIDC_KEYS_PREPUBLICATION_SECONDS": "9999999"]) }
        await #expect(throws: SettingsError.self) {
            try await load(["WECHAT_OIDC_KEYS_PREPUBLICATION_SECONDS": "60", "WECHAT_OIDC_KEYS_PREPUBLICATION": "120"])
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("keys-\(UUID().uuidString).yaml").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        try "keys:\n  prepublication: 7200\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try await SettingsLoader.keys(.init(configFile: file, environment: [:])).prepublication == 7200)
    }
}
