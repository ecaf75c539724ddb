import ArgumentParser
import Foundation
import OIDC
import Server
import Storage

/// `wechat-oidc keys …`: signing keys. Every non-retired public key is in the JWKS; the active
/// key of each algorithm signs (RS256 by default; ES256 / PS256 for clients that registered
/// them). `rotate` pre-publishes: the new key is in the JWKS for `keys.prepublication` seconds
/// before a running server activates it. Running servers notice every change within
/// `keys.refresh_interval` seconds.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Manage signing keys.",
        subcommands: [List.self, Generate.self, Rotate.self, Activate.self, Retire.self]
    )

    /// `kid  alg  state  created …  [activates …]`, tab-separated.
    static func line(_ key: SigningKeyRecord, now: Date = Date()) -> String {
        var fields = [key.kid, key.algorithm, key.state.rawValue, "created \(timestamp(key.createdAt))"]
        switch key.state {
        case .next:
            if let at = key.activatesAt {
                let seconds = Int(at.timeIntervalSince(now).rounded(.up))
                fields.append(seconds > 0
                    ? "activates \(timestamp(at)) (in \(duration(seconds)))"
                    : "activation due since \(timestamp(at)): a running server activates it within keys.refresh_interval")
            } else {
                fields.append("published, not scheduled (keys activate \(key.kid))")
            }
        case .active:
            if let at = key.activatedAt { fields.append("signing since \(timestamp(at))") }
        case .previous:
            if let at = key.activatedAt { fields.append("activated \(timestamp(at)), no longer signs") }
        case .retired:
            if let at = key.retiredAt { fields.append("retired \(timestamp(at))") }
        }
        return fields.joined(separator: "\t")
    }

    static func timestamp(_ date: Date) -> String { date.formatted(.iso8601) }

    static func duration(_ seconds: Int) -> String {
        if seconds < 120 { return "\(seconds) s" }
        if seconds < 7200 { return "\(seconds / 60) min" }
        return String(format: "%.1f h", Double(seconds) / 3600)
    }

    static func algorithm(_ raw: String) throws -> SigningAlgorithm {
        guard let algorithm = SigningAlgorithm(jwsName: raw.uppercased()) else {
            throw ValidationError("--alg must be one of \(SigningAlgorithm.allCases.map(\.jwsName).joined(separator: ", "))")
        }
        return algorithm
    }

    /// Runs `body` with a key manager over the configured database and keys directory; refusals
    /// and storage errors become `Error: …` lines.
    static func withManager<T>(
        _ options: SettingsOptions, _ body: (SigningKeyManager, SettingsLoader.KeySettings) async throws -> T
    ) async throws -> T {
        let settings = try await SettingsLoader.keys(options.sources)
        do {
            return try await withStores(options) { stores, directory in
                try await body(SigningKeyManager(store: stores.signingKeys, directory: directory), settings)
            }
        } catch let refusal as SigningKeyManager.Refusal {
            throw CommandFailure(refusal.description)
        } catch let error as StorageError {
            throw CommandFailure(error.detail)
        } catch let error as SigningKeyError {
            throw CommandFailure(error.description)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List signing keys: kid, alg, state (next, active, previous, retired), dates, and when a rotated key activates."
        )
        @OptionGroup var options: SettingsOptions

        func run() async throws {
            let keys = try await withStores(options) { stores, _ in try await stores.signingKeys.list() }
            if keys.isEmpty { print("No keys yet: the server generates one on first start (or run `keys generate`).") }
            let now = Date()
            for key in keys { print(KeysCommand.line(key, now: now)) }
        }
    }

    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate a key. It is published at once; it signs only when activated (`keys activate`), or at once if no key of its algorithm signs yet."
        )
        @OptionGroup var options: SettingsOptions
        @Option(name: .long, help: "RS256 (default), PS256 or ES256.") var alg: String = "RS256"

        func run() async throws {
            let algorithm = try KeysCommand.algorithm(alg)
            let key = try await KeysCommand.withManager(options) { manager, _ in
                let hasActive = try await manager.store.list().contains { $0.state == .active && $0.algorithm == algorithm.jwsName }
                return try await manager.generate(algorithm: algorithm, activate: !hasActive)
            }
            print(KeysCommand.line(key))
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace the signing key of an algorithm: the new key is published now and signs after keys.prepublication seconds; the old one stays published until retired.",
            discussion: """
                Running servers activate the new key once the delay has passed (one of them does it; the others follow \
                within keys.refresh_interval). `--now` activates it at once: only for emergencies such as a leaked key, \
                since relying parties that cached the JWKS do not know the new key yet.
                """
        )
        @OptionGroup var options: SettingsOptions
        @Option(name: .long, help: "RS256 (default), PS256 or ES256.") var alg: String = "RS256"
        @Flag(name: .long, help: "Activate the new key at once, skipping the pre-publication delay (emergencies).") var now = false

        func run() async throws {
            let algorithm = try KeysCommand.algorithm(alg)
            let (key, previous, delay) = try await KeysCommand.withManager(options) { manager, settings in
                let previous = try await manager.store.list().first { $0.state == .active && $0.algorithm == algorithm.jwsName }
                let activation: SigningKeyManager.Activation = now ? .immediately : .after(TimeInterval(settings.prepublication))
                return (try await manager.rotate(algorithm: algorithm, activation: activation), previous, settings.prepublication)
            }
            print(KeysCommand.line(key))
            let old = previous?.kid ?? "the previous key"
            if now {
                printError("\(key.kid) signs \(algorithm.jwsName) tokens now; \(old) stays published until `keys retire \(old)`.")
            } else {
                printError(
                    "\(key.kid) is published now and signs \(algorithm.jwsName) tokens from \(KeysCommand.timestamp(key.activatesAt ?? Date())) "
                        + "(in \(KeysCommand.duration(delay))), when a running server activates it; until then \(old) signs. "
                        + "Afterwards retire \(old) with `keys retire \(old)` once the tokens it signed have expired."
                )
            }
        }
    }

    struct Activate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a published key the signing key of its algorithm now (a rotated key early, or a previous key back)."
        )
        @OptionGroup var options: SettingsOptions
        @Argument(help: "The kid (one that begins with \"-\" goes after \"--\").") var kid: String

        func run() async throws {
            let key = try await KeysCommand.withManager(options) { manager, _ in try await manager.activate(kid: kid) }
            print(KeysCommand.line(key))
        }
    }

    struct Retire: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop publishing a key that no longer signs (the active key of an algorithm is refused)."
        )
        @OptionGroup var options: SettingsOptions
        @Argument(help: "The kid (one that begins with \"-\" goes after \"--\").") var kid: String

        func run() async throws {
            try await KeysCommand.withManager(options) { manager, _ in try await manager.retire(kid: kid) }
            print("Retired \(kid).")
        }
    }
}

/// A line on standard error (explanations that scripts reading standard output skip).
private func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
