import Foundation
import Storage
import Testing

enum UserStoreChecks {
    static let all: [StorageConformanceCheck] = [
        .init("users: an unknown person becomes a new user with every key linked") { stores in
            let keys: [IdentityKey] = [.unionID("u-1", openPlatformID: "gh_platform"), .openID("o-1", appID: "wxA")]
            let user = try await stores.users.findOrCreate(
                identities: keys, profile: ProfileUpdate(nickname: "小明", pictureURL: "https://img/x", locale: "zh_CN"),
                newUserID: "user-1", now: Fixtures.t0
            )
            let expected = UserRecord(
                id: "user-1", nickname: "小明", pictureURL: "https://img/x", locale: "zh_CN",
                createdAt: Fixtures.t0, updatedAt: Fixtures.t0
            )
            #expect(user == expected)
            #expect(try await stores.users.find(id: "user-1") == expected)
            #expect(Set(try await stores.users.identities(ofUser: "user-1")) == Set(keys))
        },
        .init("users: the unionid links a second app's openid to the same user") { stores in
            let union = IdentityKey.unionID("u-1", openPlatformID: "gh_platform")
            let first = try await stores.users.findOrCreate(
                identities: [union, .openID("o-A", appID: "wxA")], profile: ProfileUpdate(),
                newUserID: "user-1", now: Fixtures.t0
            )
            let second = try await stores.users.findOrCreate(
                identities: [union, .openID("o-B", appID: "wxB")], profile: ProfileUpdate(),
                newUserID: "user-2", now: Fixtures.at(60)
            )
            #expect(first.id == "user-1")
            #expect(second.id == "user-1")
            #expect(try await stores.users.find(id: "user-2") == nil)
            #expect(Set(try await stores.users.identities(ofUser: "user-1")) == [
                union, .openID("o-A", appID: "wxA"), .openID("o-B", appID: "wxB"),
            ])
            // The second app's openid alone now finds the same user.
            let third = try await stores.users.findOrCreate(
                identities: [.openID("o-B", appID: "wxB")], profile: ProfileUpdate(), newUserID: "user-3",
                now: Fixtures.at(120)
            )
            #expect(third.id == "user-1")
        },
        .init("users: equal subjects under different Open Platforms or apps never collide") { stores in
            let p1 = try await stores.users.findOrCreate(
                identities: [.unionID("same", openPlatformID: "gh_one")], profile: ProfileUpdate(),
                newUserID: "user-p1", now: Fixtures.t0
            )
            let p2 = try await stores.users.findOrCreate(
                identities: [.unionID("same", openPlatformID: "gh_two")], profile: ProfileUpdate(),
                newUserID: "user-p2", now: Fixtures.t0
            )
            let a1 = try await stores.users.findOrCreate(
                identities: [.openID("same", appID: "wx1")], profile: ProfileUpdate(), newUserID: "user-a1",
                now: Fixtures.t0
            )
            let a2 = try await stores.users.findOrCreate(
                identities: [.openID("same", appID: "wx2")], profile: ProfileUpdate(), newUserID: "user-a2",
                now: Fixtures.t0
            )
            #expect([p1.id, p2.id, a1.id, a2.id] == ["user-p1", "user-p2", "user-a1", "user-a2"])
            #expect(try await stores.users.identities(ofUser: "user-p2") == [.unionID("same", openPlatformID: "gh_two")])
        },
        .init("users: the first known key wins; a key owned by another user stays there") { stores in
            let x = IdentityKey.openID("x", appID: "wxA")
            let y = IdentityKey.openID("y", appID: "wxB")
            _ = try await stores.users.findOrCreate(identities: [x], profile: ProfileUpdate(), newUserID: "user-x", now: Fixtures.t0)
            _ = try await stores.users.findOrCreate(identities: [y], profile: ProfileUpdate(), newUserID: "user-y", now: Fixtures.t0)
            let found = try await stores.users.findOrCreate(
                identities: [y, x], profile: ProfileUpdate(), newUserID: "user-new", now: Fixtures.at(1)
            )
            #expect(found.id == "user-y")
            #expect(try await stores.users.identities(ofUser: "user-x") == [x])
            #expect(try await stores.users.identities(ofUser: "user-y") == [y])
            #expect(try await stores.users.find(id: "user-new") == nil)
        },
        .init("users: non-nil profile values apply; nil leaves values; updatedAt moves only on change") { stores in
            let key = IdentityKey.openID("o", appID: "wxA")
            _ = try await stores.users.findOrCreate(
                identities: [key], profile: ProfileUpdate(nickname: "Old", pictureURL: "https://img/old", locale: nil),
                newUserID: "user-1", now: Fixtures.t0
            )
            let unchanged = try await stores.users.findOrCreate(
                identities: [key], profile: ProfileUpdate(nickname: "Old"), newUserID: "ignored", now: Fixtures.at(10)
            )
            #expect(unchanged.updatedAt == Fixtures.t0)
            let updated = try await stores.users.findOrCreate(
                identities: [key], profile: ProfileUpdate(nickname: "New", locale: "en"), newUserID: "ignored",
                now: Fixtures.at(20)
            )
            let expected = UserRecord(
                id: "user-1", nickname: "New", pictureURL: "https://img/old", locale: "en",
                createdAt: Fixtures.t0, updatedAt: Fixtures.at(20)
            )
            #expect(updated == expected)
            #expect(try await stores.users.find(id: "user-1") == expected)
        },
        .init("users: a taken newUserID for an unknown person is a conflict") { stores in
            _ = try await stores.users.findOrCreate(
                identities: [.openID("a", appID: "wxA")], profile: ProfileUpdate(), newUserID: "user-1", now: Fixtures.t0
            )
            let error = await Fixtures.storageError {
                _ = try await stores.users.findOrCreate(
                    identities: [.openID("b", appID: "wxA")], profile: ProfileUpdate(), newUserID: "user-1",
                    now: Fixtures.t0
                )
            }
            #expect(error?.isConflict == true)
            // The failed call linked nothing.
            #expect(try await stores.users.identities(ofUser: "user-1") == [.openID("a", appID: "wxA")])
        },
        .init("users: concurrent first logins of one person create one user") { stores in
            let keys: [IdentityKey] = [.unionID("u", openPlatformID: "gh_p"), .openID("o", appID: "wxA")]
            let ids = try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<10 {
                    group.addTask {
                        try await stores.users.findOrCreate(
                            identities: keys, profile: ProfileUpdate(), newUserID: "user-\(index)", now: Fixtures.t0
                        ).id
                    }
                }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(ids.count == 1)
            let id = try #require(ids.first)
            #expect(Set(try await stores.users.identities(ofUser: id)) == Set(keys))
        },
        .init("users: a unionid login merges an earlier openid-only account into the person, with an audit row") { stores in
            let union = IdentityKey.unionID("u-1", openPlatformID: "gh_platform")
            let oa = IdentityKey.openID("o-OA", appID: "wxOA")
            let web = IdentityKey.openID("o-W", appID: "wxW")
            _ = try await stores.users.findOrCreate(identities: [oa], profile: ProfileUpdate(), newUserID: "user-a", now: Fixtures.t0)
            _ = try await stores.users.findOrCreate(identities: [union, web], profile: ProfileUpdate(), newUserID: "user-p", now: Fixtures.at(1))
            let merged = try await stores.users.findOrCreate(
                identities: [union, oa], profile: ProfileUpdate(nickname: "P"), newUserID: "user-new", now: Fixtures.at(2)
            )
            #expect(merged.id == "user-p")
            #expect(Set(try await stores.users.identities(ofUser: "user-p")) == [union, web, oa])
            #expect(try await stores.users.identities(ofUser: "user-a") == [])
            #expect(try await stores.users.find(id: "user-a") == nil)
            #expect(try await stores.users.user(identifiedBy: [oa])?.id == "user-p")
            let audit = IdentityMerge(fromUserID: "user-a", intoUserID: "user-p", key: oa, reason: "login", mergedAt: Fixtures.at(2))
            #expect(try await stores.users.merges(involving: "user-p") == [audit])
            #expect(try await stores.users.merges(involving: "user-a") == [audit])
            // The openid alone now finds the person; nothing more is merged.
            #expect(try await stores.users.findOrCreate(identities: [oa], profile: ProfileUpdate(), newUserID: "x", now: Fixtures.at(3)).id == "user-p")
            #expect(try await stores.users.merges(involving: "user-p").count == 1)
        },
        .init("users: a merged account's tokens are revoked, its codes and sessions gone") { stores in
            try await Fixtures.seed(stores)
            try await stores.tokens.create(Fixtures.token("a"))
            try await stores.refreshTokens.create(Fixtures.refreshToken("a"))
            try await stores.sessions.create(Fixtures.session("sess-1"))
            try await stores.codes.create(Fixtures.code("a"))
            let union = IdentityKey.unionID("u-1", openPlatformID: "gh_platform")
            _ = try await stores.users.findOrCreate(
                identities: [union, .openID("o-W", appID: "wxW")], profile: ProfileUpdate(), newUserID: "user-p", now: Fixtures.t0
            )
            let merged = try await stores.users.findOrCreate(
                identities: [union, .openID("openid-user-1", appID: "wx-seed")], profile: ProfileUpdate(), newUserID: "x", now: Fixtures.at(5)
            )
            #expect(merged.id == "user-p")
            #expect(try await stores.tokens.find(tokenHash: Fixtures.hash("token-a"))?.revokedAt == Fixtures.at(5))
            #expect(try await stores.refreshTokens.find(tokenHash: Fixtures.hash("refresh-a"))?.revokedAt == Fixtures.at(5))
            #expect(try await stores.sessions.find(id: "sess-1", now: Fixtures.t0) == nil)
            if case .notFound = try await stores.codes.consume(codeHash: Fixtures.hash("code-a"), now: Fixtures.t0) {} else {
                Issue.record("the merged account's code is still there")
            }
        },
        .init("users: a first unionid links to the openid-only account it arrives with; its id stays") { stores in
            let oa = IdentityKey.openID("o-OA", appID: "wxOA")
            let union = IdentityKey.unionID("u-1", openPlatformID: "gh_platform")
            _ = try await stores.users.findOrCreate(identities: [oa], profile: ProfileUpdate(), newUserID: "user-a", now: Fixtures.t0)
            let user = try await stores.users.findOrCreate(identities: [union, oa], profile: ProfileUpdate(), newUserID: "user-b", now: Fixtures.at(1))
            #expect(user.id == "user-a")
            #expect(Set(try await stores.users.identities(ofUser: "user-a")) == [oa, union])
            #expect(try await stores.users.merges(involving: "user-a") == [])
        },
        .init("users: an account with a unionid of its own is never merged") { stores in
            let u1 = IdentityKey.unionID("u-1", openPlatformID: "gh_platform")
            let u2 = IdentityKey.unionID("u-2", openPlatformID: "gh_platform")
            let o2 = IdentityKey.openID("o-2", appID: "wxA")
            _ = try await stores.users.findOrCreate(identities: [u1], profile: ProfileUpdate(), newUserID: "user-1", now: Fixtures.t0)
            _ = try await stores.users.findOrCreate(identities: [u2, o2], profile: ProfileUpdate(), newUserID: "user-2", now: Fixtures.t0)
            let user = try await stores.users.findOrCreate(identities: [u1, o2], profile: ProfileUpdate(), newUserID: "user-3", now: Fixtures.at(1))
            #expect(user.id == "user-1")
            #expect(Set(try await stores.users.identities(ofUser: "user-2")) == [u2, o2])
            #expect(try await stores.users.find(id: "user-2") != nil)
            #expect(try await stores.users.merges(involving: "user-1") == [])
        },
        .init("users: link moves a key with a manual audit row; an emptied account is marked merged") { stores in
            let x = IdentityKey.openID("x", appID: "wxA")
            let y = IdentityKey.openID("y", appID: "wxB")
            let fresh = IdentityKey.unionID("u-9", openPlatformID: "gh_platform")
            _ = try await stores.users.findOrCreate(identities: [x], profile: ProfileUpdate(), newUserID: "user-x", now: Fixtures.t0)
            _ = try await stores.users.findOrCreate(identities: [y], profile: ProfileUpdate(), newUserID: "user-y", now: Fixtures.t0)
            #expect(try await stores.users.link(x, toUser: "user-y", now: Fixtures.at(5)) == "user-x")
            #expect(Set(try await stores.users.identities(ofUser: "user-y")) == [x, y])
            #expect(try await stores.users.find(id: "user-x") == nil)
            #expect(try await stores.users.merges(involving: "user-y") == [
                IdentityMerge(fromUserID: "user-x", intoUserID: "user-y", key: x, reason: "manual", mergedAt: Fixtures.at(5)),
            ])
            #expect(try await stores.users.link(x, toUser: "user-y", now: Fixtures.at(6)) == nil)
            #expect(try await stores.users.link(fresh, toUser: "user-y", now: Fixtures.at(7)) == nil)
            #expect(try await stores.users.identities(ofUser: "user-y").contains(fresh))
            let missing = await Fixtures.storageError { _ = try await stores.users.link(y, toUser: "nobody", now: Fixtures.at(8)) }
            #expect(missing?.isNotFound == true)
            let merged = await Fixtures.storageError { _ = try await stores.users.link(y, toUser: "user-x", now: Fixtures.at(8)) }
            #expect(merged?.isNotFound == true)
        },
        .init("users: unknown ids find nothing") { stores in
            let user = try await stores.users.find(id: "nobody")
            let identities = try await stores.users.identities(ofUser: "nobody")
            #expect(user == nil)
            #expect(identities == [])
        },
    ]
}
