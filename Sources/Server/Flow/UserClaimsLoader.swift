import Foundation
import OIDC
import Storage

/// Loads what can be said about a user, for userinfo and for ID-token claims requested by the
/// `claims` parameter.
struct UserClaimsLoader: Sendable {
    let env: ProviderEnvironment

    /// `nil` when the user no longer exists.
    func load(userID: String) async throws -> UserClaims? {
        guard let user = try await env.stores.users.find(id: userID) else { return nil }
        let identities = try await env.stores.users.identities(ofUser: user.id)
        return UserClaims(
            subject: user.id, nickname: user.nickname, pictureURL: user.pictureURL, locale: user.locale,
            unionID: identities.first { $0.kind == .unionID && $0.namespace == env.settings.openPlatformID }?.subject,
            openID: identities.first { $0.kind == .openID && $0.namespace == env.settings.website?.appID }?.subject
        )
    }
}
