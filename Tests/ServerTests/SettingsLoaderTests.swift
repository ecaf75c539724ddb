import Foundation
import Testing
@testable import Server

@Suite("Configuration: every setting from the environment or a file, validated with the key named")
struct SettingsLoaderTests {
    let base = [
        "WECHAT_OIDC_ISSUER": "https://id.example.com/",
        "WECHAT_OIDC_WEBSITE_APPID": "wx1234567890abcdef",
        "WECHAT_OIDC_WEBSITE_SECRET": "secret",
    ]

    @Test("environment variables with their exact names")
    func environment() async throws {
        var env = base
        env["WECHAT_OIDC_HTTP_HOST"] = "0.0.0.0"
        env["WECHAT_OIDC_HTTP_PORT"] = "9000"
        env["WECHAT_OIDC_DATABASE_URL"] = "sqlite:///var/lib/x.sqlite"
        env["WECHAT_OIDC_KEYS_DIR"] = "/etc/keys"
        env["WECHAT_OIDC_WECHAT_OPEN_BASE_URL"] = "http://127.0.0.1:9/open"
        env["WECHAT_OIDC_WECHAT_API_BASE_URL"] = "http://127.0.0.1:9/api"
        env["WECHAT_OIDC_OPEN_PLATFORM_ID"] = "gh_abcdef123456"
        let s = try await SettingsLoader.load(.init(environment: env))
        #expect(s.issuer == "https://id.example.com")
        #expect(s.httpHost == "0.0.0.0")
        #expect(s.httpPort == 9000)
        #expect(s.databaseURL == "sqlite:///var/lib/x.sqlite")
        #expect(s.keysDirectory == "/etc/keys")
        #expect(s.wechatEndpoints.openBaseURL == "http://127.0.0.1:9/open")
        #expect(s.wechatEndpoints.apiBaseURL == "http://127.0.0.1:9/api")
        #expect(s.website?.appID == "wx1234567890abcdef")
        #expect(s.website?.secret == "secret")
        #expect(s.openPlatformID == "gh_abcdef123456")
    }

    @Test("defaults: WeChat's real hosts")
    func defaults() async throws {
        let s = try await SettingsLoader.load(.init(environment: base))
        #expect(s.wechatEndpoints.openBaseURL == "https://open.weixin.qq.com")
        #expect(s.wechatEndpoints.apiBaseURL == "https://api.weixin.qq.com")
        #expect(s.httpPort == 8080)
    }

    @Test("a YAML file, overridden by the environment")
    func yamlFile() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("wo-\(UUID().uuidString).yaml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try """
        issuer: https://file.example.com
        http:
          port: 7000
        website:
          appid: wxfile0000000000
          secret: filesecret
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let s = try await SettingsLoader.load(.init(configFile: path, environment: ["WECHAT_OIDC_HTTP_PORT": "7001"]))
        #expect(s.issuer == "https://file.example.com")
        #expect(s.httpPort == 7001)
        #expect(s.website?.appID == "wxfile0000000000")
    }

    func error(_ env: [String: String]) async -> SettingsError? {
        do {
            _ = try await SettingsLoader.load(.init(environment: env))
            return nil
        } catch let error as SettingsError {
            return error
        } catch {
            return nil
        }
    }

    @Test("missing or invalid settings stop start-up naming the key")
    func invalid() async {
        var missing = base
        missing["WECHAT_OIDC_WEBSITE_APPID"] = nil
        #expect(await error(missing)?.key == "website.appid")
        #expect(await error(missing)?.description.contains("WECHAT_OIDC_WEBSITE_APPID") == true)

        var port = base
        port["WECHAT_OIDC_HTTP_PORT"] = "eighty"
        #expect(await error(port)?.key == "http.port")

        var http = base
        http["WECHAT_OIDC_ISSUER"] = "http://id.example.com"
        #expect(await error(http)?.key == "issuer")

        var query = base
        query["WECHAT_OIDC_ISSUER"] = "https://id.example.com/?a=b"
        #expect(await error(query)?.key == "issuer")

        var gh = base
        gh["WECHAT_OIDC_OPEN_PLATFORM_ID"] = "not-gh"
        #expect(await error(gh)?.key == "open_platform_id")

        var appid = base
        appid["WECHAT_OIDC_WEBSITE_APPID"] = "abc"
        #expect(await error(appid)?.key == "website.appid")
    }

    @Test("RFC 9126 settings: par.lifetime (10...600, default 60) and par.required (default false)")
    func pushedAuthorizationSettings() async throws {
        let defaults = try await SettingsLoader.load(.init(environment: base))
        #expect(defaults.parLifetime == 60)
        #expect(defaults.parRequired == false)
        var env = base
        env["WECHAT_OIDC_PAR_LIFETIME"] = "90"
        env["WECHAT_OIDC_PAR_REQUIRED"] = "true"
        let s = try await SettingsLoader.load(.init(environment: env))
        #expect(s.parLifetime == 90)
        #expect(s.parRequired)
        env["WECHAT_OIDC_PAR_LIFETIME"] = "5"
        #expect(await error(env)?.key == "par.lifetime")
        env["WECHAT_OIDC_PAR_LIFETIME"] = "601"
        #expect(await error(env)?.key == "par.lifetime")
        env["WECHAT_OIDC_PAR_LIFETIME"] = nil
        env["WECHAT_OIDC_PAR_REQUIRED"] = "maybe"
        #expect(await error(env)?.key == "par.required")
    }

    @Test("OIDC Core §6 settings: request_object.by_value and request_object.by_reference (default true)")
    func requestObjectSettings() async throws {
        let defaults = try await SettingsLoader.load(.init(environment: base))
        #expect(defaults.requestObjectByValue && defaults.requestObjectByReference)
        var env = base
        env["WECHAT_OIDC_REQUEST_OBJECT_BY_VALUE"] = "false"
        env["WECHAT_OIDC_REQUEST_OBJECT_BY_REFERENCE"] = "false"
        let s = try await SettingsLoader.load(.init(environment: env))
        #expect(!s.requestObjectByValue && !s.requestObjectByReference)
        env["WECHAT_OIDC_REQUEST_OBJECT_BY_VALUE"] = "nope"
        #expect(await error(env)?.key == "request_object.by_value")
    }

    @Test("http issuers are allowed for loopback only")
    func loopback() async throws {
        var env = base
        env["WECHAT_OIDC_ISSUER"] = "http://127.0.0.1:8080"
        #expect(try await SettingsLoader.load(.init(environment: env)).issuer == "http://127.0.0.1:8080")
    }
}
