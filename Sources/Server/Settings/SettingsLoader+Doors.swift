import Foundation
import WeChat

extension SettingsLoader {
    /// The configured doors, validated as a whole.
    struct Doors: Sendable {
        var website: WeChatAppCredentials?
        var officialAccount: OfficialAccountCredentials?
        var mobile: WeChatAppCredentials?
        var miniProgram: WeChatAppCredentials?
        var requireUnionID: Bool
    }

    /// Reads the four credential kinds and checks their combination. WECHAT.md §7: "credentials
    /// must be modelled as named kinds and validated at start-up." Every door is optional, but at
    /// least one must be open; an appid needs its secret (and the reverse); the Official
    /// Account's event-push values need its appid; an EncodingAESKey is 43 characters
    /// (§5.3: "`base64decode(EncodingAESKey + "=")` (32 bytes)") and needs the server token
    /// (safe-mode messages are signed with it); no appid serves two kinds (§1: "Each kind of
    /// WeChat 'app' has its own `appid` + `appsecret`").
    static func doors(
        _ text: (_ key: String, _ fallback: String?) -> String?, defaults: Defaults, openPlatformID: String?
    ) throws -> Doors {
        func pair(_ kind: WeChatAppCredentials.Kind, _ appKey: String, _ secretKey: String, door: String,
                  appDefault: String? = nil, secretDefault: String? = nil) throws -> WeChatAppCredentials? {
            switch (text(appKey, appDefault), text(secretKey, secretDefault)) {
            case (nil, nil):
                return nil
            case (.some, nil):
                throw SettingsError(key: secretKey, message: "is required when \(appKey) is set (the \(door) door needs both)")
            case (nil, .some):
                throw SettingsError(key: appKey, message: "is required when \(secretKey) is set (the \(door) door needs both)")
            case (.some(let appID), .some(let secret)):
                return WeChatAppCredentials(kind: kind, appID: try SettingsValidation.appID(appID, key: appKey), secret: secret)
            }
        }
        let website = try pair(.website, SettingsKey.websiteAppID, SettingsKey.websiteSecret, door: "PC QR login (website app)",
                               appDefault: defaults.websiteAppID, secretDefault: defaults.websiteSecret)
        let officialAccountApp = try pair(.officialAccount, SettingsKey.officialAccountAppID, SettingsKey.officialAccountSecret,
                                          door: "inside-WeChat (Official Account)")
        let mobile = try pair(.mobile, SettingsKey.mobileAppID, SettingsKey.mobileSecret, door: "mobile app")
        let miniProgram = try pair(.miniProgram, SettingsKey.miniProgramAppID, SettingsKey.miniProgramSecret, door: "mini program")

        let token = text(SettingsKey.officialAccountToken, nil)
        let aesKey = text(SettingsKey.officialAccountAESKey, nil)
        let originalID = text(SettingsKey.officialAccountOriginalID, nil)
        var officialAccount: OfficialAccountCredentials?
        if let officialAccountApp {
            if let token { try SettingsValidation.serverToken(token) }
            if let aesKey {
                try SettingsValidation.encodingAESKey(aesKey)
                guard token != nil else {
                    throw SettingsError(
                        key: SettingsKey.officialAccountToken,
                        message: "is required when \(SettingsKey.officialAccountAESKey) is set (safe-mode pushes are signed with the token)"
                    )
                }
            }
            officialAccount = OfficialAccountCredentials(
                app: officialAccountApp, serverToken: token, encodingAESKey: aesKey,
                originalID: try originalID.map { try SettingsValidation.originalID($0, key: SettingsKey.officialAccountOriginalID) }
            )
        } else if let orphan = [
            (SettingsKey.officialAccountToken, token), (SettingsKey.officialAccountAESKey, aesKey),
            (SettingsKey.officialAccountOriginalID, originalID),
        ].first(where: { $0.1 != nil }) {
            throw SettingsError(key: SettingsKey.officialAccountAppID, message: "is required when \(orphan.0) is set")
        }

        var seen: [String: String] = [:]
        for (key, app) in [
            (SettingsKey.websiteAppID, website), (SettingsKey.officialAccountAppID, officialAccountApp),
            (SettingsKey.mobileAppID, mobile), (SettingsKey.miniProgramAppID, miniProgram),
        ] {
            guard let app else { continue }
            if let earlier = seen[app.appID] {
                throw SettingsError(key: key, message: "is the same appid as \(earlier): each kind of WeChat app has its own appid")
            }
            seen[app.appID] = key
        }
        guard !seen.isEmpty else {
            throw SettingsError(
                key: SettingsKey.websiteAppID,
                message: "no WeChat door is configured: set \(SettingsKey.websiteAppID) + \(SettingsKey.websiteSecret) (PC QR login), "
                    + "\(SettingsKey.officialAccountAppID) + \(SettingsKey.officialAccountSecret) (login inside WeChat), "
                    + "\(SettingsKey.mobileAppID) + \(SettingsKey.mobileSecret) (mobile app) or "
                    + "\(SettingsKey.miniProgramAppID) + \(SettingsKey.miniProgramSecret) (mini program)"
            )
        }

        let requireUnionID = try text(SettingsKey.requireUnionID, nil).map {
            try SettingsValidation.boolean($0, key: SettingsKey.requireUnionID)
        } ?? false
        if requireUnionID, openPlatformID == nil {
            throw SettingsError(
                key: SettingsKey.requireUnionID,
                message: "needs \(SettingsKey.openPlatformID): unionids are keyed by the Open Platform account's original ID"
            )
        }
        return Doors(website: website, officialAccount: officialAccount, mobile: mobile, miniProgram: miniProgram, requireUnionID: requireUnionID)
    }
}
