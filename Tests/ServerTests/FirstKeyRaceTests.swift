import Foundation
import Logging
import Testing
@testable import Server
import Storage

@Suite("First start of several replicas at once")
struct FirstKeyRaceTests {
    static var logger: Logger {
        var logger = Logger(label: "first-key")
        logger.logLevel = .error
        return logger
    }

    @Test("replicas starting together on a new database generate exactly one signing key between them")
    func oneFirstKey() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wechat-oidc-first-key-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let logger = Self.logger
        let databaseURL = directory + "/db.sqlite"
        let keysDirectory = directory + "/keys"
        let first = try await SQLStores.open(databaseURL: databaseURL, logger: logger)
        var opened = [first]
        for _ in 0..<3 { opened.append(try await SQLStores.open(databaseURL: databaseURL, logger: logger)) }
        let managers = opened.map { SigningKeyManager(store: $0.signingKeys, directory: keysDirectory) }
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for manager in managers {
                    group.addTask { try await manager.ensureActiveKey(logger: logger) }
                }
                try await group.waitForAll()
            }
            let keys = try await first.signingKeys.list()
            #expect(keys.count == 1)
            #expect(keys.first?.state == .active)
            // Only the winner's private key file is left behind.
            let files = try FileManager.default.contentsOfDirectory(atPath: keysDirectory).filter { $0.hasSuffix(".pem") }
            #expect(files == keys.map(\.fileName))
        } catch {
            Issue.record("\(error)")
        }
        for stores in opened { try? await stores.shutdown() }
    }
}
