import Foundation
import Synchronization
import Logging
import Testing
@testable import Server

@Suite("Operations settings and JSON logs")
struct OperationsSettingsTests {
    let base = [
        "WECHAT_OIDC_ISSUER": "https://id.example.com/",
        "WECHAT_OIDC_WEBSITE_APPID": "wx1234567890abcdef",
        "WECHAT_OIDC_WEBSITE_SECRET": "secret",
    ]

    func load(_ extra: [String: String]) async throws -> OperationsSettings {
        try await SettingsLoader.load(.init(environment: base.merging(extra) { _, new in new })).operations
    }

    func failingKey(_ extra: [String: String]) async -> String? {
        do {
            _ = try await load(extra)
            return nil
        } catch let error as SettingsError {
            return error.key
        } catch {
            return "unexpected \(error)"
        }
    }

    @Test("defaults: text logs at info, metrics on, 50/s per address, 200/s per client, no proxies, no TLS")
    func defaults() async throws {
        let settings = try await load([:])
        #expect(settings.logFormat == .text)
        #expect(settings.logLevel == .info)
        #expect(settings.metricsEnabled)
        #expect(settings.rateLimitPerAddress == 50)
        #expect(settings.rateLimitPerClient == 200)
        #expect(settings.trustedProxies.isEmpty)
        #expect(!settings.tlsEnabled)
    }

    @Test("every operations setting from its environment variable")
    func environment() async throws {
        let settings = try await load([
            "WECHAT_OIDC_LOG_FORMAT": "JSON", "WECHAT_OIDC_LOG_LEVEL": "debug", "WECHAT_OIDC_METRICS_ENABLED": "false",
            "WECHAT_OIDC_RATE_LIMIT_PER_ADDRESS": "0", "WECHAT_OIDC_RATE_LIMIT_PER_CLIENT": "7",
            "WECHAT_OIDC_HTTP_TRUSTED_PROXIES": "10.0.0.0/8, ::1",
            "WECHAT_OIDC_TLS_CERTIFICATE": "/etc/tls/cert.pem", "WECHAT_OIDC_TLS_KEY": "/etc/tls/key.pem",
        ])
        #expect(settings.logFormat == .json)
        #expect(settings.logLevel == .debug)
        #expect(!settings.metricsEnabled)
        #expect(settings.rateLimitPerAddress == 0)
        #expect(settings.rateLimitPerClient == 7)
        #expect(settings.trustedProxies.map(\.description) == ["10.0.0.0/8", "::1/128"])
        #expect(settings.tlsCertificatePath == "/etc/tls/cert.pem")
        #expect(settings.tlsKeyPath == "/etc/tls/key.pem")
    }

    @Test("invalid values stop start-up naming the key")
    func invalid() async {
        #expect(await failingKey(["WECHAT_OIDC_LOG_FORMAT": "xml"]) == "log.format")
        #expect(await failingKey(["WECHAT_OIDC_LOG_LEVEL": "loud"]) == "log.level")
        #expect(await failingKey(["WECHAT_OIDC_METRICS_ENABLED": "maybe"]) == "metrics.enabled")
        #expect(await failingKey(["WECHAT_OIDC_RATE_LIMIT_PER_ADDRESS": "-1"]) == "rate_limit.per_address")
        #expect(await failingKey(["WECHAT_OIDC_RATE_LIMIT_PER_CLIENT": "lots"]) == "rate_limit.per_client")
        #expect(await failingKey(["WECHAT_OIDC_HTTP_TRUSTED_PROXIES": "10.0.0.0/8, proxy.example"]) == "http.trusted_proxies")
        #expect(await failingKey(["WECHAT_OIDC_TLS_CERTIFICATE": "/etc/tls/cert.pem"]) == "tls.key")
        #expect(await failingKey(["WECHAT_OIDC_TLS_KEY": "/etc/tls/key.pem"]) == "tls.certificate")
    }

    @Test("JSON log lines: one object per line with level, label, message, source and metadata; fixed names never overwritten")
    func jsonLines() throws {
        let lines = LinesBox()
        var logger = Logger(label: "wechat-oidc") { label in
            JSONLogHandler(label: label, level: .info, output: JSONLogOutput { lines.append($0) })
        }
        logger[metadataKey: "request.id"] = "r-1"
        logger.debug("not written")
        logger.info("signed in \"quoted\"\nnext", metadata: ["client_id": "abc", "message": "collides"])
        let written = lines.all
        #expect(written.count == 1)
        let line = try #require(written.first)
        #expect(line.last == UInt8(ascii: "\n"))
        #expect(!line.dropLast().contains(UInt8(ascii: "\n")))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: String])
        #expect(object["level"] == "info")
        #expect(object["label"] == "wechat-oidc")
        #expect(object["message"] == "signed in \"quoted\"\nnext")
        #expect(object["client_id"] == "abc")
        #expect(object["request.id"] == "r-1")
        #expect(object["metadata.message"] == "collides")
        #expect(object["timestamp"]?.hasSuffix("Z") == true || object["timestamp"]?.contains("+") == true)
    }
}

final class LinesBox: Sendable {
    private let lines = Synchronization.Mutex<[[UInt8]]>([])
    func append(_ line: [UInt8]) { lines.withLock { $0.append(line) } }
    var all: [[UInt8]] { lines.withLock { $0 } }
}
