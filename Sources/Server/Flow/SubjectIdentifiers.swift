import Foundation
import OIDC

/// The `sub` a client sees for a local user (OIDC Core §8): the local id for `public` clients,
/// the pairwise value of the client's sector for `pairwise` ones. Used wherever a subject leaves
/// the provider (ID tokens, userinfo, introspection, logout tokens) and where one comes back
/// (`id_token_hint`).
struct SubjectIdentifiers: Sendable {
    /// The salt of pairwise subjects, from a 0600 file of the keys directory created on first start.
    let salt: [UInt8]

    func subject(userID: String, client metadata: ClientMetadata) -> String {
        guard metadata.subjectType == "pairwise", let sector = metadata.sectorIdentifier else { return userID }
        return PairwiseSubject.subject(sector: sector, localID: userID, salt: salt)
    }

    func subject(userID: String, client: ClientDescription) -> String {
        subject(userID: userID, client: client.metadata)
    }
}
