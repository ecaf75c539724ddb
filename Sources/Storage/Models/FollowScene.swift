import Foundation

/// One "follow the Official Account to log in" QR scene (WECHAT.md §5): the unguessable
/// one-time `scene_str` of a `QR_STR_SCENE` code, bound to the pending authorization and to the
/// browser that shows it.
///
/// §5.4: "the browser may only ever hold the unguessable scene/ticket, and the server looks up
/// who scanned": ``openID`` is set by the event push and never leaves the server.
public struct FollowScene: Sendable, Equatable {
    /// Stored states; "expired" is not stored but derived from ``expiresAt`` (``status(at:)``).
    public enum State: String, Sendable, Equatable {
        case waiting, scanned, done
    }

    /// What the browser may learn about its scene.
    public enum Status: String, Sendable, Equatable {
        case waiting, scanned, done, expired
    }

    /// The `scene_str` (≤ 64 characters, §5.2), also the primary key.
    public var id: String
    /// The pending authorization (``PendingAuthorization/upstreamState``) this scene completes.
    public var upstreamState: String
    /// SHA-256 of the browser-binding cookie of the browser that shows the QR.
    public var browserBindingHash: Data
    public var state: State
    /// Who scanned (the Official Account's `FromUserName`), once scanned.
    public var openID: String?
    public var createdAt: Date
    public var expiresAt: Date

    public init(
        id: String, upstreamState: String, browserBindingHash: Data, state: State = .waiting, openID: String? = nil,
        createdAt: Date, expiresAt: Date
    ) {
        self.id = id
        self.upstreamState = upstreamState
        self.browserBindingHash = browserBindingHash
        self.state = state
        self.openID = openID
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }

    /// The status at `now`: a scene not completed by its expiry is expired, scanned or not.
    public func status(at now: Date) -> Status {
        switch state {
        case .done: .done
        case _ where expiresAt <= now: .expired
        case .waiting: .waiting
        case .scanned: .scanned
        }
    }
}
