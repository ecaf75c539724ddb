import Foundation
import Testing
@testable import Server

@Suite("Configuration of Dynamic Client Registration")
struct RegistrationSettingsTests {
    let base = [
        "WECHAT_OIDC_ISSUER": "https://id.example.com",
        "WECHAT_OIDC_WEBSITE_APPID": "wx1234567890abcdef",
        "WECHAT_OIDC_WEBSITE_SECRET": "secret",
    ]
    let token = String(repeating: "t", count: 32)

    @Test("off by default: neither routed nor advertised")
    func offByDefault() async throws {
        let s = try await SettingsLoader.load(.init(environment: base))
        #expect(s.registrationInitialAccessToken == nil)
        #expect(!s.registrationOpen)
        #expect(!s.registrationEnabled)
    }

    @Test("WECHAT_OIDC_REGISTRATION_TOKEN and WECHAT_OIDC_REGISTRATION_OPEN")
    func environment() async throws {
        var env = base
        env["WECHAT_OIDC_REGISTRATION_TOKEN"] = token
        env["WECHAT_OIDC_REGISTRATION_OPEN"] = "true"
        let s = try await SettingsLoader.load(.init(environment: env))
        #expect(s.registrationInitialAccessToken == token)
        #expect(s.registrationOpen)
        #expect(s.registrationEnabled)
        // The variable named after the key also works, and wins.
        env["WECHAT_OIDC_REGISTRATION_INITIAL_ACCESS_TOKEN"] = token + "-long"
        #expect(try await SettingsLoader.load(.init(environment: env)).registrationInitialAccessToken == token + "-long")
    }

    @Test("registration.initial_access_token and registration.open in a YAML file")
    func yamlFile() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("wo-reg-\(UUID().uuidString).yaml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try """
        registration:
          initial_access_token: \(token)
          open: true
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let s = try await SettingsLoader.load(.init(configFile: path, environment: base))
        #expect(s.registrationInitialAccessToken == token)
        #expect(s.registrationOpen)
    }

    @Test("a short token or a non-boolean stops start-up naming the key")
    func invalid() async throws {
        var env = base
        env["WECHAT_OIDC_REGISTRATION_TOKEN"] = "short"
        await #expect {
            try await SettingsLoader.load(.init(environment: env))
        } throws: { error in
            (error as? SettingsError)?.key == "registration.initial_access_token"
        }
        env = base
        env["WECHAT_OIDC_REGISTRATION_OPEN"] = "maybe"
        await #expect {
            try await SettingsLoader.load(.init(environment: env))
        } throws: { error in
            (error as? SettingsError)?.description == #"invalid setting registration.open (environment WECHAT_OIDC_REGISTRATION_OPEN): must be true or false, got "maybe""#
        }
    }
}
