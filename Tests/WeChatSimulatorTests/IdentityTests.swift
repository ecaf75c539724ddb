import Foundation
import Testing
import WeChatSimulator

@Suite("openid and unionid rules")
struct IdentityTests {
    typealias Config = SimulatorConfiguration

    @Test("one openid per person per app; one unionid per person per Open Platform account")
    func rules() throws {
        let simulator = WeChatSimulator(configuration: .testing, clock: ManualSimulatorClock())
        let aliceA = try #require(simulator.openID(userID: "alice", appID: Config.appA))
        let aliceB = try #require(simulator.openID(userID: "alice", appID: Config.appB))
        let bobA = try #require(simulator.openID(userID: "bob", appID: Config.appA))
        #expect(aliceA != aliceB)
        #expect(aliceA != bobA)

        let unionA = try #require(simulator.unionID(userID: "alice", appID: Config.appA))
        #expect(simulator.unionID(userID: "alice", appID: Config.appB) == unionA)
        #expect(simulator.unionID(userID: "bob", appID: Config.appA) != unionA)
        let otherPlatform = try #require(simulator.unionID(userID: "alice", appID: Config.appOtherPlatform))
        #expect(otherPlatform != unionA)
        #expect(simulator.unionID(userID: "alice", appID: Config.appUnbound) == nil)
        #expect(simulator.openID(userID: "nobody", appID: Config.appA) == nil)
        #expect(simulator.openID(userID: "alice", appID: "wx0000000000000000") == nil)
    }

    @Test("identifiers look like WeChat's and share an app prefix")
    func shape() throws {
        let simulator = WeChatSimulator(configuration: .testing, clock: ManualSimulatorClock())
        let pattern = "^(o[A-Za-z0-9_-]{27})$"
        for user in ["alice", "bob", "mallory"] {
            let openID = try #require(simulator.openID(userID: user, appID: Config.appA))
            let unionID = try #require(simulator.unionID(userID: user, appID: Config.appA))
            #expect(LiveSimulator.capture(pattern, in: openID) == openID)
            #expect(LiveSimulator.capture(pattern, in: unionID) == unionID)
        }
        let alice = try #require(simulator.openID(userID: "alice", appID: Config.appA))
        let bob = try #require(simulator.openID(userID: "bob", appID: Config.appA))
        #expect(alice.prefix(6) == bob.prefix(6))
    }

    @Test("deterministic for a seed, different across seeds")
    func deterministic() {
        let one = WeChatSimulator(configuration: .testing)
        let two = WeChatSimulator(configuration: .testing)
        var reseeded = SimulatorConfiguration.testing
        reseeded.seed = "another"
        let three = WeChatSimulator(configuration: reseeded)
        #expect(one.openID(userID: "alice", appID: Config.appA) == two.openID(userID: "alice", appID: Config.appA))
        #expect(one.unionID(userID: "alice", appID: Config.appA) == two.unionID(userID: "alice", appID: Config.appA))
        #expect(one.openID(userID: "alice", appID: Config.appA) != three.openID(userID: "alice", appID: Config.appA))
    }

    @Test("the token exchange reports the same identities over HTTP, for two apps")
    func overHTTP() async throws {
        try await LiveSimulator.run { live in
            let a = try await live.exchange(try await live.loginCode(appID: Config.appA)).json()
            let codeB = try await live.loginCode(appID: Config.appB)
            let b = try await live.exchange(codeB, appID: Config.appB, secret: Config.secretB).json()
            #expect(a["openid"] as? String != b["openid"] as? String)
            #expect(a["unionid"] as? String == b["unionid"] as? String)
            #expect(b["openid"] as? String == live.simulator.openID(userID: "alice", appID: Config.appB))
        }
    }
}

@Suite("configuration")
struct ConfigurationTests {
    @Test("the development configuration is valid and shaped as promised")
    func development() throws {
        let configuration = SimulatorConfiguration.development(callbackDomain: "localhost:8080")
        #expect(configuration.validationErrors() == [])
        let app = try #require(configuration.apps.first)
        #expect(configuration.apps.map(\.kind) == [.website, .officialAccount, .mobile, .miniProgram])
        #expect(configuration.apps.allSatisfy { $0.openPlatformID == "gh_simulator0001" && $0.callbackDomain == "localhost:8080" })
        #expect(Set(configuration.apps.map(\.appID)).count == 4)
        #expect(configuration.app(kind: .miniProgram)?.appID == configuration.apps.last?.appID)
        #expect(LiveSimulator.capture("^(wx[0-9a-f]{16})$", in: app.appID) == app.appID)
        #expect(app.kind == .website)
        #expect(app.callbackDomain == "localhost:8080")
        #expect(app.openPlatformID == "gh_simulator0001")
        #expect(configuration.users.count == 3)
        #expect(configuration.users.contains { $0.headImageURL.isEmpty })
        #expect(configuration.users.contains { $0.nickname.unicodeScalars.contains { $0.properties.isEmojiPresentation } })
    }

    @Test("decodes from JSON with defaults; description hides the secret")
    func json() throws {
        let json = #"""
            {"apps":[{"appID":"wx1","secret":"topsecret","callbackDomain":"rp.example.com"}],
             "users":[{"id":"u","nickname":"U"}]}
            """#
        let configuration = try JSONDecoder().decode(SimulatorConfiguration.self, from: Data(json.utf8))
        #expect(configuration.apps[0].kind == .website)
        #expect(configuration.apps[0].openPlatformID == nil)
        #expect(configuration.users[0].headImageURL == "")
        #expect(configuration.seed == "wechat-simulator")
        #expect(configuration.controlEndpointsEnabled)
        #expect(!"\(configuration.apps[0])".contains("topsecret"))
        let roundTrip = try JSONDecoder().decode(SimulatorConfiguration.self, from: JSONEncoder().encode(configuration))
        #expect(roundTrip == configuration)
    }

    @Test("validation names the key")
    func validation() {
        let configuration = SimulatorConfiguration(
            apps: [
                SimulatedApp(appID: "wx1", secret: "", callbackDomain: "https://rp.example.com/"),
                SimulatedApp(appID: "wx1", secret: "s", callbackDomain: "rp.example.com:99999"),
            ],
            users: [SimulatedUser(id: "u", nickname: "U"), SimulatedUser(id: "u", nickname: "V")],
            autoApproveUserID: "nobody")
        #expect(configuration.validationErrors() == [
            "apps[0].secret is empty",
            "apps[0].callbackDomain must be a host with an optional :port",
            "apps[1].appID wx1 is duplicated",
            "apps[1].callbackDomain must be a host with an optional :port",
            "users[1].id u is duplicated",
            "autoApproveUserID nobody names no user",
        ])
    }
}
