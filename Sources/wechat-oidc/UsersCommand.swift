import ArgumentParser
import Foundation
import Storage

/// `wechat-oidc users …`: see and repair which WeChat identities name which person. A person is
/// keyed by (Open Platform ID, unionid) and by (appid, openid) for every app they used
/// (shared/WECHAT.md §1); their `sub` is the user id and never changes.
struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users", abstract: "Show a person's WeChat identities and repair links.",
        subcommands: [Show.self, Link.self]
    )

    struct UserJSON: Encodable {
        struct Identity: Encodable {
            let kind: String
            let namespace: String
            let subject: String
        }

        struct Merge: Encodable {
            let from: String
            let into: String
            let key: Identity
            let reason: String
            let mergedAt: Int

            enum CodingKeys: String, CodingKey {
                case from, into, key, reason
                case mergedAt = "merged_at"
            }
        }

        let sub: String
        let nickname: String?
        let picture: String?
        let locale: String?
        let createdAt: Int
        let updatedAt: Int
        let identities: [Identity]
        let merges: [Merge]

        enum CodingKeys: String, CodingKey {
            case sub, nickname, picture, locale, identities, merges
            case createdAt = "created_at"
            case updatedAt = "updated_at"
        }

        init(_ user: UserRecord, identities: [IdentityKey], merges: [IdentityMerge]) {
            sub = user.id
            nickname = user.nickname
            picture = user.pictureURL
            locale = user.locale
            createdAt = Int(user.createdAt.timeIntervalSince1970)
            updatedAt = Int(user.updatedAt.timeIntervalSince1970)
            self.identities = identities.map(Self.identity)
            self.merges = merges.map {
                Merge(from: $0.fromUserID, into: $0.intoUserID, key: Self.identity($0.key), reason: $0.reason,
                      mergedAt: Int($0.mergedAt.timeIntervalSince1970))
            }
        }

        static func identity(_ key: IdentityKey) -> Identity {
            Identity(kind: key.kind.rawValue, namespace: key.namespace, subject: key.subject)
        }
    }

    static func describe(_ json: UserJSON) -> String {
        var lines = [
            "sub:         \(json.sub)",
            "nickname:    \(json.nickname ?? "-")",
            "picture:     \(json.picture ?? "-")",
            "locale:      \(json.locale ?? "-")",
            "created_at:  \(json.createdAt)",
            "identities:",
        ]
        lines += json.identities.map { "  \($0.kind) \($0.subject) (\($0.kind == "unionid" ? "Open Platform" : "appid") \($0.namespace))" }
        if !json.merges.isEmpty {
            lines.append("merges:")
            lines += json.merges.map { "  \($0.from) → \($0.into) by \($0.key.kind) \($0.key.subject) (\($0.reason), \($0.mergedAt))" }
        }
        return lines.joined(separator: "\n")
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a person (by sub), their identities and merges.")
        @OptionGroup var options: SettingsOptions
        @Argument(help: "The user id (the sub of their ID tokens).") var id: String
        @Flag(help: "Print one JSON object.") var json = false

        func run() async throws {
            let (user, identities, merges) = try await withStores(options) { stores, _ in
                (try await stores.users.find(id: id), try await stores.users.identities(ofUser: id), try await stores.users.merges(involving: id))
            }
            guard let user else {
                if let into = merges.last(where: { $0.fromUserID == id })?.intoUserID {
                    throw CommandFailure("user \(id) was merged into \(into)")
                }
                throw CommandFailure("no user \(id)")
            }
            let output = UserJSON(user, identities: identities, merges: merges)
            if json { try ClientsCommand.printJSON(output) } else { print(UsersCommand.describe(output)) }
        }
    }

    struct Link: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Link a WeChat identity to a person, moving it from whoever holds it (recorded as a manual merge).",
            discussion: "Give --unionid with --open-platform-id, or --openid with --appid. An account left without identities is marked merged."
        )
        @OptionGroup var options: SettingsOptions
        @Argument(help: "The user id (sub) that should own the identity.") var id: String
        @Option(help: "A unionid.") var unionid: String?
        @Option(name: .customLong("open-platform-id"), help: "The Open Platform original ID (gh_…) scoping the unionid.") var openPlatformID: String?
        @Option(help: "An openid.") var openid: String?
        @Option(help: "The appid scoping the openid.") var appid: String?

        func validate() throws {
            switch (unionid, openPlatformID, openid, appid) {
            case (.some(let u), .some(let p), nil, nil):
                guard !u.isEmpty, p.hasPrefix("gh_") else { throw ValidationError("--unionid must be non-empty and --open-platform-id must start with gh_") }
            case (nil, nil, .some(let o), .some(let a)):
                guard !o.isEmpty, a.hasPrefix("wx") else { throw ValidationError("--openid must be non-empty and --appid must start with wx") }
            default:
                throw ValidationError("give --unionid with --open-platform-id, or --openid with --appid")
            }
        }

        func run() async throws {
            let key: IdentityKey
            if let unionid, let openPlatformID {
                key = .unionID(unionid, openPlatformID: openPlatformID)
            } else if let openid, let appid {
                key = .openID(openid, appID: appid)
            } else {
                throw ValidationError("give --unionid with --open-platform-id, or --openid with --appid")
            }
            let previous: String?
            do {
                previous = try await withStores(options) { stores, _ in try await stores.users.link(key, toUser: id, now: Date()) }
            } catch let error as StorageError where error.isNotFound {
                throw CommandFailure("no user \(id)")
            }
            if let previous {
                print("Moved \(key.kind.rawValue) \(key.subject) from \(previous) to \(id).")
            } else {
                print("Linked \(key.kind.rawValue) \(key.subject) to \(id).")
            }
        }
    }
}
